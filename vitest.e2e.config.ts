import { defineConfig } from 'vitest/config';

// End-to-end tests drive real browsers with the production build loaded. One file at a
// time: the machine has two cores and each browser wants one.
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
