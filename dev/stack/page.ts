/**
 * Reading and clicking an extension's pages as a user would, including the in-page controls
 * inside closed shadow roots, in Chromium (DevTools protocol) and Firefox (WebDriver BiDi).
 */
import type { Page } from 'puppeteer-core';

/** Clicks the button whose visible text is exactly `text`, waiting for it to appear. */
export async function clickButton(page: Page, text: string): Promise<void> {
  const button = await page.waitForSelector(`::-p-xpath(//button[normalize-space()="${text}"])`);
  await button!.click();
}

/** Waits for the innermost element whose text contains `text` (puppeteer's ::-p-text trips on some punctuation). */
export async function waitForText(page: Page, text: string) {
  const literal = text.includes('"') ? `'${text}'` : `"${text}"`;
  const handle = await page.waitForSelector(
    `::-p-xpath(//*[contains(normalize-space(.), ${literal}) and not(*[contains(normalize-space(.), ${literal})])])`,
  );
  return handle!;
}

interface CdpNode {
  nodeId: number;
  localName?: string;
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
}

/**
 * Finds elements inside the closed shadow roots of `hostTag` elements through the DevTools
 * protocol (page scripts and puppeteer selectors cannot see into closed roots), and
 * returns their centres and text so a test can click them with real, trusted mouse events.
 */
export async function closedShadowQuery(
  page: Page,
  hostTag: string,
  selector: string,
): Promise<{ x: number; y: number; text: string; html: string }[]> {
  if ((await page.browser().version()).toLowerCase().includes('firefox'))
    return closedShadowQueryBidi(page, hostTag, selector);
  // The page may re-render between reading the tree and querying a node of it (the in-page
  // UI mounts while the statements table settles): DevTools then no longer knows that node
  // id. Read the tree again rather than fail the test on a page that was merely busy.
  for (let attempt = 1; ; attempt++) {
    try {
      return await closedShadowQueryCdp(page, hostTag, selector);
    } catch (e) {
      const isStale =
        e instanceof Error && /Could not find node with given id|No node with given id/.test(e.message);
      if (!isStale || attempt >= 5) throw e;
    }
  }
}

async function closedShadowQueryCdp(
  page: Page,
  hostTag: string,
  selector: string,
): Promise<{ x: number; y: number; text: string; html: string }[]> {
  const cdp = await page.createCDPSession();
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: CdpNode };
    const shadowRoots: CdpNode[] = [];
    const walk = (n: CdpNode) => {
      if (n.localName === hostTag) shadowRoots.push(...(n.shadowRoots ?? []));
      for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(c);
    };
    walk(root);
    const found: { x: number; y: number; text: string; html: string }[] = [];
    for (const sr of shadowRoots) {
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: sr.nodeId, selector });
      for (const nodeId of nodeIds) {
        const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId });
        // Bring it on screen first: a mouse click only lands inside the viewport.
        await cdp.send('DOM.scrollIntoViewIfNeeded', { nodeId }).catch(() => {});
        const box = await cdp.send('DOM.getBoxModel', { nodeId }).catch(() => undefined);
        const q = box?.model.content ?? [0, 0, 0, 0, 0, 0, 0, 0];
        found.push({
          x: ((q[0] ?? 0) + (q[4] ?? 0)) / 2,
          y: ((q[1] ?? 0) + (q[5] ?? 0)) / 2,
          html: outerHTML,
          text: outerHTML
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim(),
        });
      }
    }
    return found;
  } finally {
    await cdp.detach();
  }
}

interface BidiRemoteValue {
  type: string;
  value?: unknown;
  sharedId?: string;
}
interface BidiPort {
  send(method: string, params: object): Promise<{ result: { type: string; result?: BidiRemoteValue } }>;
}

/**
 * Firefox's counterpart of the DevTools walk above, over WebDriver BiDi: serialising nodes
 * with `includeShadowTree: "all"` hands back closed shadow roots too (the spec's way for test
 * tools to reach them), which are then queried in the page. Reaches into puppeteer's BiDi
 * connection, which it does not expose as API.
 */
async function closedShadowQueryBidi(
  page: Page,
  hostTag: string,
  selector: string,
): Promise<{ x: number; y: number; text: string; html: string }[]> {
  const connection = (page.browser() as unknown as { connection: BidiPort }).connection;
  const context = (page.mainFrame() as unknown as { browsingContext: { id: string } }).browsingContext.id;
  const call = async (functionDeclaration: string, args: object[], includeShadowTree: 'none' | 'all') => {
    const answer = await connection.send('script.callFunction', {
      functionDeclaration,
      arguments: args,
      target: { context },
      awaitPromise: false,
      resultOwnership: 'none',
      serializationOptions: { maxDomDepth: 1, includeShadowTree },
    });
    if (answer.result.type !== 'success')
      throw new Error(`BiDi call failed: ${JSON.stringify(answer.result)}`);
    return answer.result.result;
  };
  const hosts = await call(
    '(tag) => [...document.querySelectorAll(tag)]',
    [{ type: 'string', value: hostTag }],
    'all',
  );
  const found: { x: number; y: number; text: string; html: string }[] = [];
  for (const host of (hosts?.value as BidiRemoteValue[] | undefined) ?? []) {
    const root = (host.value as { shadowRoot?: BidiRemoteValue } | undefined)?.shadowRoot;
    if (!root?.sharedId) continue;
    const matches = await call(
      `(root, sel) => [...root.querySelectorAll(sel)].map((e) => {
        e.scrollIntoView({ block: 'center' });
        const r = e.getBoundingClientRect();
        return JSON.stringify({ x: r.x + r.width / 2, y: r.y + r.height / 2, html: e.outerHTML });
      })`,
      [{ sharedId: root.sharedId }, { type: 'string', value: selector }],
      'none',
    );
    for (const m of (matches?.value as BidiRemoteValue[] | undefined) ?? []) {
      const { x, y, html } = JSON.parse(String(m.value)) as { x: number; y: number; html: string };
      const text = html
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      found.push({ x, y, html, text });
    }
  }
  return found;
}

/** Waits until `closedShadowQuery` finds at least one match. */
export async function waitForClosedShadow(page: Page, hostTag: string, selector: string, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await closedShadowQuery(page, hostTag, selector);
    if (found.length > 0) return found;
    if (Date.now() > until)
      throw new Error(`Nothing matched ${selector} inside <${hostTag}> within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Sends one protocol message from an extension page, as the extension's own pages do. */
export async function sendFromPage<T>(page: Page, type: string, input: unknown): Promise<T> {
  const reply = (await page.evaluate(
    (m) => {
      const g = globalThis as unknown as {
        browser?: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
        chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
      };
      return (g.browser ?? g.chrome).runtime.sendMessage(m);
    },
    { type, input },
  )) as Reply<T> | undefined;
  if (!reply?.ok) throw new Error(`${type} failed: ${reply ? reply.error.message : 'no reply'}`);
  return reply.value;
}
