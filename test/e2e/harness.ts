/**
 * Real browsers with the real build: puppeteer-core drives Debian's Chromium (and
 * firefox-esr) with `.output/<target>` loaded. Seller Central cannot be reached from here,
 * so its hosts are answered by request interception with fixture pages: the manifest's
 * real match patterns decide where the content script runs.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { afterEach, type TestContext } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CHROME_BUILD = join(ROOT, '.output', 'chrome-mv3');
export const FIREFOX_BUILD = join(ROOT, '.output', 'firefox-mv2');
export const GECKO_ID = 'settlebridge@settlebridge.app';

export interface ExtensionBrowser {
  browser: Browser;
  kind: 'chromium' | 'firefox';
  /** chrome-extension://<id>/ or moz-extension://<uuid>/ */
  origin: string;
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(
  extensionPath = CHROME_BUILD,
  extraArgs: readonly string[] = [],
): Promise<ExtensionBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'settlebridge-e2e-'));
  let browser: Browser | undefined;
  let sw: Awaited<ReturnType<Browser['waitForTarget']>>;
  try {
    browser = await puppeteer.launch({
      executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
      headless: true,
      userDataDir,
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [
        ...CHROMIUM_ARGS,
        `--disable-extensions-except=${extensionPath}`,
        `--load-extension=${extensionPath}`,
        ...extraArgs,
      ],
    });
    sw = await browser.waitForTarget((t) => t.type() === 'service_worker', { timeout: 20_000 });
  } catch (error) {
    // The browser or the extension never started: leave neither it nor its profile behind.
    await browser?.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const started = browser;
  const origin = `chrome-extension://${new URL(sw.url()).host}/`;
  return {
    browser: started,
    kind: 'chromium',
    origin,
    async openPage(path) {
      const page = await started.newPage();
      await page.goto(origin + path);
      return page;
    },
    async close() {
      await started.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function launchFirefox(extensionPath = FIREFOX_BUILD): Promise<ExtensionBrowser> {
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      // Headless Firefox has no desktop notification service: a notification it hands the
      // system backend is closed at once, so notifications.getAll() never lists it. Its own
      // alert windows show it instead, and keep it up (like a desktop's notification centre)
      // long enough for a test to count it through the same API as in Chromium.
      'alerts.useSystemBackend': false,
      'alerts.totalOpenTime': 600_000,
    },
  });
  await browser.installExtension(extensionPath);
  const origin = `moz-extension://${uuid}/`;
  return {
    browser,
    kind: 'firefox',
    origin,
    async openPage(path) {
      const page = await browser.newPage();
      const url = origin + path;
      // goto on a moz-extension:// URL never resolves under BiDi, and a script run while
      // the tab is still between about:blank and the page can fail inside Firefox's remote
      // agent ("right-hand side of 'in' should be an object, got null"): hand the page over
      // once the extension's document is the one loaded.
      void page.goto(url).catch(() => {});
      const until = Date.now() + 30_000;
      while ((await documentUrl(page)) !== url) {
        if (Date.now() > until) throw new Error(`${url} did not load within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return page;
    },
    async close() {
      await browser.close();
    },
  };
}

/** The URL of the page's loaded document, or '' while it is still loading or unreachable. */
async function documentUrl(page: Page): Promise<string> {
  const read = page.evaluate(() => (document.readyState === 'loading' ? '' : location.href)).catch(() => '');
  return Promise.race([read, new Promise<string>((r) => setTimeout(() => r(''), 3000))]);
}

/**
 * Waits for a page (tab or window) of the browser whose document is at a URL starting with
 * `prefix`, such as a window the extension opened itself (browser.windows.create). Under
 * Firefox's WebDriver BiDi, puppeteer never learns the URL of a moz-extension:// window
 * (its navigation events do not reach the target), so each blank page is asked where its
 * document is.
 */
export async function waitForPage(
  eb: ExtensionBrowser,
  prefix: string,
  { timeoutMs = 30_000, skip = () => false }: { timeoutMs?: number; skip?: (page: Page) => boolean } = {},
): Promise<Page> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [page] = (await pagesAt(eb, prefix)).filter((p) => !skip(p));
    if (page) return page;
    if (Date.now() > until) throw new Error(`No page at ${prefix}… within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every open page (tab or window) whose document is at a URL starting with `prefix` (see waitForPage). */
export async function pagesAt(eb: ExtensionBrowser, prefix: string): Promise<Page[]> {
  const found: Page[] = [];
  for (const page of await eb.browser.pages()) {
    if (page.url().startsWith(prefix)) found.push(page);
    else if (
      eb.kind === 'firefox' &&
      page.url() === 'about:blank' &&
      (await documentUrl(page)).startsWith(prefix)
    )
      found.push(page);
  }
  return found;
}

/**
 * Reloads an extension page and resolves once the new document is up. Firefox never
 * resolves navigations of moz-extension:// pages under BiDi, so this marks the old
 * document and waits for one without the mark instead.
 */
export async function reloadPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    document.documentElement.dataset.stale = '1';
    location.reload();
  });
  await page.waitForFunction(
    () => document.readyState !== 'loading' && !document.documentElement.dataset.stale,
  );
}

/**
 * Answers Seller Central (and other https) requests in `page` from fixture files, keyed by
 * host + path. Anything else on https gets a 404, so no test ever reaches the internet.
 */
export async function serveFixtures(page: Page, routes: Record<string, string>): Promise<void> {
  await page.setRequestInterception(true);
  // A request the page abandoned (it navigated on) can no longer be answered: Firefox's BiDi
  // then rejects with "no such request". That is the page's choice, not a test failure.
  const gone = () => {};
  page.on('request', (request: HTTPRequest) => {
    const url = new URL(request.url());
    if (url.protocol !== 'https:') return void Promise.resolve(request.continue()).catch(gone);
    const file = routes[`${url.host}${url.pathname}${url.search}`] ?? routes[`${url.host}${url.pathname}`];
    if (!file)
      return void Promise.resolve(
        request.respond({ status: 404, contentType: 'text/plain', body: 'not a fixture' }),
      ).catch(gone);
    const contentType = file.endsWith('.json')
      ? 'application/json'
      : file.endsWith('.js')
        ? 'text/javascript'
        : file.endsWith('.tsv')
          ? 'text/tab-separated-values; charset=utf-8'
          : 'text/html; charset=utf-8';
    void readFile(join(ROOT, 'test', 'fixtures', file), 'utf8')
      .then((body) => request.respond({ status: 200, contentType, body }))
      .catch(gone);
  });
}

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
