/**
 * Everything Settlebridge knows about Seller Central's pages: selectors and URLs in one
 * place, because Amazon changes them without notice (docs/domain.md#seller-central). Each reader tolerates
 * absence and returns what it found; nothing here writes to the page.
 */
import type { PageContext } from '../page-context';
import { MarketplaceId, MerchantId } from '../record-schemas';
import { cleanLabel } from './labels';

export const SELECTORS = {
  /** Header labels, rendered by the switcher widget after load (docs/domain.md#seller-central). */
  accountName: '.dropdown-account-switcher-header-label-global',
  marketplaceName: '.dropdown-account-switcher-header-label-regional',
  /** Older layouts. */
  legacyAccountName: '#partner-switcher .partner-dropdown-button',
  legacyPicker: '#sc-mkt-picker-switcher-select',
  /** Statements, current UI: Katal web components. */
  katTable: 'kat-data-table',
  katRow: '[role="row"]',
  katDropdown: 'kat-dropdown-button',
  /** Inside a kat-dropdown-button's open shadow root: the primary action, then any. */
  primaryAction: '.button-group-header > button[data-action]',
  anyAction: 'button[data-action]',
  /** Statements, older server-rendered UI. */
  legacyTable: '#financialEventGroupList',
} as const;

export const PATHS = {
  contextJson: '/account-switcher/global-and-regional-account/merchantMarketplace',
  regionalAccountsJson: '/account-switcher/regional-accounts/merchantMarketplace',
  picker: '/account-switcher/default/merchantMarketplace',
  download: '/payments/reports/download',
} as const;

/** Reads the account and marketplace labels from the page header (the fallback source). */
export function readHeader(doc: Document, url: URL): PageContext {
  const accountName =
    cleanLabel(doc.querySelector(SELECTORS.accountName)?.textContent) ??
    cleanLabel(doc.querySelector(SELECTORS.legacyAccountName)?.textContent);
  let marketplaceName = cleanLabel(doc.querySelector(SELECTORS.marketplaceName)?.textContent);
  const legacy = doc.querySelector<HTMLSelectElement>(SELECTORS.legacyPicker);
  if (!marketplaceName && legacy) marketplaceName = cleanLabel(legacy.selectedOptions[0]?.textContent);
  // A switch link's parameters name what was asked for; kept only when well formed.
  const merchantId = MerchantId.safeParse(url.searchParams.get('mons_sel_dir_mcid') ?? '');
  const marketplaceId = MarketplaceId.safeParse(url.searchParams.get('mons_sel_mkid') ?? '');
  return {
    host: url.host,
    recognised: Boolean(accountName || marketplaceName),
    ...(merchantId.success ? { merchantId: merchantId.data } : {}),
    ...(marketplaceId.success ? { marketplaceId: marketplaceId.data } : {}),
    ...(accountName ? { accountName } : {}),
    ...(marketplaceName ? { marketplaceName } : {}),
  };
}

/**
 * Waits for the header widget, which Seller Central renders after load: resolves with the
 * header as soon as it shows a label, or with whatever is there after `timeoutMs`.
 */
export function waitForHeader(
  doc: Document,
  url: URL,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PageContext> {
  return new Promise((resolve) => {
    const now = readHeader(doc, url);
    if (now.recognised || signal?.aborted) return resolve(now);
    const observer = new MutationObserver(() => {
      const ctx = readHeader(doc, url);
      if (ctx.recognised) finish(ctx);
    });
    const timer = setTimeout(() => finish(readHeader(doc, url)), timeoutMs);
    const finish = (ctx: PageContext) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(ctx);
    };
    signal?.addEventListener('abort', () => finish(readHeader(doc, url)), { once: true });
    observer.observe(doc.documentElement, { childList: true, subtree: true, characterData: true });
  });
}

/** A path on the same host: one leading slash (not `//host`), no query, fragment or backslash. */
export const PLAIN_PATH = /^\/(?![/\\])[^?#\\]*$/;
export const isPlainPath = (path: string) => PLAIN_PATH.test(path);

/**
 * The deep link that switches Seller Central to a merchant and marketplace (docs/domain.md#seller-central),
 * on `path` (the parameters work on other pages than /home, so the user stays where they
 * were). The `amzn1.mp.o.` prefix is required: without it the switch silently does nothing.
 */
export function switchUrl(input: {
  host: string;
  merchantId: string;
  marketplaceId: string;
  partnerAccountId?: string;
  delegationContext?: string;
  path?: string;
}): string {
  const path = input.path && isPlainPath(input.path) ? input.path : '/home';
  const url = new URL(path, `https://${input.host}`);
  url.searchParams.set('mons_sel_dir_mcid', input.merchantId);
  const mkid = input.marketplaceId.startsWith('amzn1.mp.o.')
    ? input.marketplaceId
    : `amzn1.mp.o.${input.marketplaceId}`;
  url.searchParams.set('mons_sel_mkid', mkid);
  if (input.partnerAccountId) url.searchParams.set('mons_sel_dir_paid', input.partnerAccountId);
  if (input.delegationContext) url.searchParams.set('mons_sel_dc', input.delegationContext);
  url.searchParams.set('ignore_selection_changed', 'true');
  return url.toString();
}

/** The account picker, returning to `returnTo` (a path on the same host) once the user picks. */
export function pickerUrl(host: string, returnTo?: string): string {
  const url = new URL(PATHS.picker, `https://${host}`);
  if (returnTo && isPlainPath(returnTo)) url.searchParams.set('returnTo', returnTo);
  return url.toString();
}

/** Newer pages (and the sign-in redirect) answer a switch link with this text instead of switching. */
export const SWITCH_REFUSED_TEXT = 'Invalid request URL from client';

export function isSwitchRefused(doc: Document): boolean {
  return (doc.body?.textContent ?? '').includes(SWITCH_REFUSED_TEXT);
}

/** Payments pages that list settlements with their flat-file downloads (docs/domain.md#seller-central). */
export const STATEMENT_PATHS = [
  '/payments/past-settlements',
  '/payments/allstatements/index.html',
  '/payments/dashboard/index.html',
] as const;

export function isStatementsPage(url: URL): boolean {
  return STATEMENT_PATHS.some((p) => url.pathname.startsWith(p));
}

/** The V2 flat file of a report, as the statements page itself requests it (docs/domain.md#seller-central). */
export function downloadUrl(origin: string, referenceId: string): string {
  const url = new URL(PATHS.download, origin);
  url.searchParams.set('referenceId', referenceId);
  url.searchParams.set('contentType', 'text/xls');
  url.searchParams.set('fileName', `${referenceId}.txt`);
  return url.toString();
}

/** One statements row Settlebridge acts on. Rows with no action (the open period) are absent. */
export type StatementRow =
  | {
      kind: 'download';
      /** `s:<settlementId>` when the page names the settlement, else `r:<referenceId>`. */
      key: string;
      settlementId?: string;
      referenceId?: string;
      /** Absolute URL of the V2 flat file, on the page's own origin. */
      href: string;
      row: Element;
      /** The page's own action, in the light DOM: our control goes right after it. */
      place: Element;
    }
  | { kind: 'request'; key: string; row: Element; place: Element };

/** Every element matching `selector` under `root`, looking into open shadow roots too. */
export function deepQueryAll(root: ParentNode, selector: string, depth = 0): Element[] {
  const found = [...root.querySelectorAll(selector)];
  if (depth > 4) return found;
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) found.push(...deepQueryAll(el.shadowRoot, selector, depth + 1));
  }
  return found;
}

/** The element itself, or the light-DOM host of the shadow tree it sits in. */
function lightDomOf(el: Element): Element {
  let node: Element = el;
  for (let i = 0; i < 5; i++) {
    const root = node.getRootNode();
    if (!(root instanceof ShadowRoot)) return node;
    node = root.host;
  }
  return node;
}

const DIGITS = /^\d{1,30}$/;
/** Links of the older invented layouts that named the settlement and said "flat file V2". */
const SETTLEMENT_PARAMS = ['settlementId', 'settlement_id', 'SettlementId'];
const FLAT_FILE_V2 = /flat\s*file.*v2|flatfilev2|FLAT_FILE_V2/i;

type Download = Omit<Extract<StatementRow, { kind: 'download' }>, 'row' | 'place'>;

/**
 * Reads a download link by its URL's shape, not its (localised) text: a V2 flat file is
 * `/payments/reports/download?referenceId=<digits>&contentType=text/xls&fileName=<…>.txt`.
 * Links to other origins are ignored, so a page cannot point the extension at a file elsewhere.
 */
function downloadFromLink(href: string | null, pageUrl: URL, text: string): Download | undefined {
  if (!href) return undefined;
  let url: URL;
  try {
    url = new URL(href, pageUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== pageUrl.origin || url.pathname !== PATHS.download) return undefined;
  const referenceId = url.searchParams.get('referenceId') ?? '';
  const isV2 =
    DIGITS.test(referenceId) &&
    url.searchParams.get('contentType') === 'text/xls' &&
    /\.txt$/i.test(url.searchParams.get('fileName') ?? '');
  if (isV2) return { kind: 'download', key: `r:${referenceId}`, referenceId, href: url.toString() };
  // By name, not by iterating: Firefox content scripts cannot iterate the page's URLSearchParams.
  const named = SETTLEMENT_PARAMS.map((k) => url.searchParams.get(k)).find((v) => v && DIGITS.test(v));
  if (named && FLAT_FILE_V2.test(`${text} ${url.search}`))
    return { kind: 'download', key: `s:${named}`, settlementId: named, href: url.toString() };
  return undefined;
}

function rowsOf(doc: Document): Element[] {
  const rows = new Set<Element>();
  for (const table of deepQueryAll(doc, SELECTORS.katTable)) {
    for (const r of deepQueryAll(table, `${SELECTORS.katRow}, tr`)) rows.add(r);
  }
  for (const r of doc.querySelectorAll(`${SELECTORS.legacyTable} tbody tr`)) rows.add(r);
  // Tolerance: any other table row holding a download link.
  for (const a of doc.querySelectorAll(`tr a[href*="${PATHS.download}"]`)) {
    const r = a.closest('tr');
    if (r) rows.add(r);
  }
  return [...rows].filter(
    (r) =>
      !r.closest('thead') &&
      !r.querySelector('th, [role="columnheader"]') &&
      !r.querySelector(SELECTORS.katRow),
  );
}

function readRow(row: Element, pageUrl: URL): StatementRow | undefined {
  for (const link of deepQueryAll(row, 'a[href], kat-link[href]')) {
    const d = downloadFromLink(link.getAttribute('href'), pageUrl, link.textContent ?? '');
    if (d) return { ...d, row, place: lightDomOf(link) };
  }
  let pending = false;
  for (const dropdown of deepQueryAll(row, SELECTORS.katDropdown)) {
    const root = dropdown.shadowRoot;
    if (!root || root.childElementCount === 0) {
      pending = true; // Not rendered yet: look again when it is.
      continue;
    }
    // The primary action is the V2 download (its position); its data-action is the report's referenceId.
    const action = root.querySelector(SELECTORS.primaryAction) ?? root.querySelector(SELECTORS.anyAction);
    const referenceId = action?.getAttribute('data-action') ?? '';
    if (DIGITS.test(referenceId)) {
      return {
        kind: 'download',
        key: `r:${referenceId}`,
        referenceId,
        href: downloadUrl(pageUrl.origin, referenceId),
        row,
        place: lightDomOf(dropdown),
      };
    }
  }
  if (pending) return undefined;
  // No download but a button of its own ("Request Report", in any language): the file must be requested first.
  const request = row.querySelector('kat-button, button');
  if (request) return { kind: 'request', key: `q:${rowIndex(row)}`, row, place: request };
  return undefined;
}

function rowIndex(row: Element): string {
  return String(row.parentElement ? [...row.parentElement.children].indexOf(row) : 0);
}

/**
 * The statements rows Settlebridge acts on, in page order, in either UI: the current one
 * (Katal `kat-data-table` rows, download actions in a `kat-dropdown-button`'s open shadow
 * root) and the older server table (`#financialEventGroupList`, plain links). Rows without
 * an action (the open "… – Present" period) are left out.
 */
export function findStatementRows(doc: Document, pageUrl: URL): StatementRow[] {
  const found = new Map<string, StatementRow>();
  for (const row of rowsOf(doc)) {
    const read = readRow(row, pageUrl);
    if (read && !found.has(read.key)) found.set(read.key, read);
  }
  return [...found.values()];
}
