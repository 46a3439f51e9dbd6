import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { CDPSession, Page } from 'puppeteer-core';

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

const COPY_TAG = 'settlebridge-axe-copy';

interface CdpNode {
  nodeId: number;
  localName?: string;
  shadowRootType?: string;
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
}

/** How faithfully the open copies reproduced the closed roots in one theme. */
export interface CopyCheck {
  theme: Theme;
  /** Elements compared (each host and every element inside its root). */
  elements: number;
  /** Elements whose computed colour, background, opacity or font differ between root and copy. */
  mismatches: string[];
  /** The distinct non-transparent background colours the copies render. */
  backgrounds: string[];
}

/**
 * Runs, with `this` bound to one closed shadow root (handed over by the DevTools protocol),
 * in the page: puts an open-root copy of it right after its host, so it inherits the same
 * surroundings, and compares every element's computed colours with the original's.
 */
function copyClosedRoot(this: ShadowRoot, copyTag: string) {
  const copyHost = document.createElement(copyTag);
  for (const a of Array.from(this.host.attributes)) copyHost.setAttribute(a.name, a.value);
  this.host.after(copyHost);
  // The host may sit in one of the page's own (open) shadow roots: keep the copy findable.
  // biome-ignore lint/suspicious/noExplicitAny: a list the check reads back from the page
  const w = window as any;
  w.__settlebridgeAxeCopies = [...(w.__settlebridgeAxeCopies ?? []), copyHost];
  const open = copyHost.attachShadow({ mode: 'open' });
  for (const n of Array.from(this.childNodes)) open.append(n.cloneNode(true));
  open.adoptedStyleSheets = [...this.adoptedStyleSheets];
  const originals = [this.host, ...Array.from(this.querySelectorAll('*'))];
  const copies = [copyHost, ...Array.from(open.querySelectorAll('*'))];
  const props = ['color', 'background-color', 'opacity', 'font-size', 'font-weight', 'visibility'];
  const mismatches: string[] = [];
  const backgrounds: string[] = [];
  originals.forEach((o, i) => {
    const c = copies[i];
    const a = getComputedStyle(o);
    const b = c ? getComputedStyle(c) : undefined;
    for (const p of props) {
      if (a.getPropertyValue(p) !== b?.getPropertyValue(p))
        mismatches.push(
          `${o.localName}.${o.className} ${p}: ${a.getPropertyValue(p)} → ${b?.getPropertyValue(p)}`,
        );
    }
    const bg = b?.getPropertyValue('background-color');
    if (bg && bg !== 'rgba(0, 0, 0, 0)') backgrounds.push(bg);
  });
  if (copies.length !== originals.length)
    mismatches.push(`${originals.length} elements, copy has ${copies.length}`);
  return JSON.stringify({ elements: originals.length, mismatches, backgrounds });
}

/** The closed shadow roots of every `hostTags` element, as DevTools protocol node ids. */
async function closedRoots(cdp: CDPSession, hostTags: string[]): Promise<number[]> {
  const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
  const found: number[] = [];
  const walk = (n: CdpNode) => {
    if (n.localName && hostTags.includes(n.localName))
      found.push(...(n.shadowRoots ?? []).filter((s) => s.shadowRootType === 'closed').map((s) => s.nodeId));
    for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(c);
  };
  walk(root);
  return found;
}

/** Runs `fn` with `this` bound to each closed root of `hostTags`; returns what each returned. */
async function onClosedRoots(
  page: Page,
  hostTags: string[],
  fn: string,
  args: unknown[],
): Promise<unknown[]> {
  if ((await page.browser().version()).toLowerCase().includes('firefox'))
    throw new Error('closed shadow roots are reached through the DevTools protocol: Chromium only');
  const cdp = await page.createCDPSession();
  try {
    const results: unknown[] = [];
    for (const nodeId of await closedRoots(cdp, hostTags)) {
      const { object } = await cdp.send('DOM.resolveNode', { nodeId });
      const answer = await cdp.send('Runtime.callFunctionOn', {
        objectId: object.objectId!,
        functionDeclaration: fn,
        arguments: args.map((value) => ({ value })),
        returnByValue: true,
      });
      if (answer.exceptionDetails)
        throw new Error(`in a closed root: ${JSON.stringify(answer.exceptionDetails)}`);
      results.push(answer.result.value);
      await cdp.send('Runtime.releaseObject', { objectId: object.objectId! });
    }
    return results;
  } finally {
    await cdp.detach();
  }
}

/**
 * Appends a <style> with `css` to each closed root of `hostTags` and returns how many roots
 * it reached; `removeClosedRootStyle` takes it out again. Lets a test prove that the check
 * below sees the roots' real styles: a low-contrast rule here must make it fail.
 */
export async function addClosedRootStyle(page: Page, hostTags: string[], css: string): Promise<number> {
  const add = `function (css) { const s = document.createElement('style'); s.setAttribute('data-axe-probe', ''); s.textContent = css; this.append(s); }`;
  return (await onClosedRoots(page, hostTags, add, [css])).length;
}

export async function removeClosedRootStyle(page: Page, hostTags: string[]): Promise<void> {
  await onClosedRoots(
    page,
    hostTags,
    `function () { this.querySelector('style[data-axe-probe]')?.remove(); }`,
    [],
  );
}

/**
 * axe-core on the in-page UI, which lives in closed shadow roots that axe (like any page
 * script) cannot enter. Chromium only: the DevTools protocol hands over each closed root of
 * the `hostTags` elements; its nodes (with their <style> elements) and adopted style sheets
 * are copied into an open root on a host placed right after the original, with the host's
 * attributes, so the copy sits in the same surroundings. axe runs on the copies alone, then
 * they are removed. Done in the light and the dark theme; in each, every element's computed
 * colour, background, opacity and font are compared between original and copy and returned,
 * so a copy that lost its styles cannot pass unnoticed. Firefox's WebDriver BiDi can reach
 * closed roots but offers no media-feature emulation, and this check does not run there.
 */
export async function seriousViolationsInClosedRoots(
  page: Page,
  hostTags: string[],
): Promise<{ violations: AxeViolation[]; copies: CopyCheck[] }> {
  source ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  const violations: AxeViolation[] = [];
  const copies: CopyCheck[] = [];
  try {
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: theme }]);
      const made = (await onClosedRoots(page, hostTags, copyClosedRoot.toString(), [COPY_TAG])).map(
        (r) => JSON.parse(String(r)) as Omit<CopyCheck, 'theme'>,
      );
      copies.push({
        theme,
        elements: made.reduce((n, m) => n + m.elements, 0),
        mismatches: made.flatMap((m) => m.mismatches),
        backgrounds: [...new Set(made.flatMap((m) => m.backgrounds))],
      });
      const found = (await page.evaluate(async () => {
        // biome-ignore lint/suspicious/noExplicitAny: axe and the copies are globals of the check
        const w = window as any;
        const copies: Element[] = w.__settlebridgeAxeCopies ?? [];
        const result = copies.length
          ? await w.axe.run({ include: copies }, { resultTypes: ['violations'] })
          : { violations: [] };
        for (const e of copies) e.remove();
        w.__settlebridgeAxeCopies = [];
        return result.violations.map((v: AxeViolation) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target })),
        }));
      })) as AxeViolation[];
      violations.push(
        ...found
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ ...v, theme })),
      );
    }
  } finally {
    await page.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: the copies' list, as above
      const w = window as any;
      for (const e of w.__settlebridgeAxeCopies ?? []) e.remove();
      w.__settlebridgeAxeCopies = [];
    });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: '' }]);
  }
  return { violations, copies };
}
