/**
 * The end-to-end tests' browsers are the local stack's (dev/stack/browser.ts, page.ts),
 * re-exported here; what only a test run needs stays here.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, type TestContext } from 'vitest';
import { type ExtensionBrowser, ROOT } from '../../dev/stack/browser';

export * from '../../dev/stack/browser';
export * from '../../dev/stack/page';

/** Saves a screenshot of every page still open when a test fails, under test-results/. */
export function screenshotOnFailure(getBrowser: () => ExtensionBrowser | undefined): void {
  afterEach(async (ctx: TestContext) => {
    if (ctx.task.result?.state !== 'fail') return;
    const eb = getBrowser();
    if (!eb) return;
    const dir = join(ROOT, 'test-results');
    await mkdir(dir, { recursive: true });
    const pages = await eb.browser.pages();
    const slug = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
    // A page stuck mid-navigation can hang a screenshot: give each a few seconds at most.
    const withinSeconds = (p: Promise<unknown>) =>
      Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    await Promise.all(
      pages.map((p, i) =>
        withinSeconds(p.screenshot({ path: join(dir, `${eb.kind}-${slug}-${i}.png`) as `${string}.png` })),
      ),
    );
    console.error(`screenshots saved in ${dir}`);
  });
}
