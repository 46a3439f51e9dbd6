import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'puppeteer-core';

const require = createRequire(import.meta.url);
let source: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
  theme?: Theme;
}

export type Theme = 'light' | 'dark';

/** Runs axe-core once in the page as it is now and returns the serious and critical violations. */
async function runAxe(page: Page, theme: Theme): Promise<AxeViolation[]> {
  source ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  const violations = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: AxeViolation) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ ...v, theme }));
}

/**
 * Runs axe-core in the light and in the dark theme (prefers-color-scheme, emulated through
 * CDP) and returns the serious and critical violations of both, each naming its theme. The
 * page is left in the theme the browser had before. Firefox under WebDriver BiDi offers no
 * media-feature emulation: there the page is checked in the theme the browser runs in.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  const found: AxeViolation[] = [];
  for (const theme of ['light', 'dark'] as const) {
    try {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
    } catch {
      return runAxe(page, 'light');
    }
    found.push(...(await runAxe(page, theme)));
  }
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: '' }]);
  return found;
}
