/**
 * The browser half of the local stack: real browsers with the real build. puppeteer-core
 * drives Debian's Chromium (and firefox-esr) with `.output/<target>` loaded. Seller Central
 * cannot be reached from here, so its hosts are answered by request interception with the
 * fixture pages in test/fixtures: the manifest's real match patterns decide where the
 * content script runs. The end-to-end tests, the page benchmarks and the demo launch
 * their browsers here.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';

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
