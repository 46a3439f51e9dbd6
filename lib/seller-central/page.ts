/**
 * Everything Settlebridge knows about Seller Central's pages: selectors and URLs in one
 * place, because Amazon changes them without notice (DOMAIN.md §4). Each reader tolerates
 * absence and returns what it found; nothing here writes to the page.
 */
import type { PageContext } from '../page-context';

export const SELECTORS = {
  accountName: '.dropdown-account-switcher-header-label-global',
  marketplaceName: '.dropdown-account-switcher-header-label-regional',
  legacyPicker: '#sc-mkt-picker-switcher-select',
} as const;

export const PATHS = {
  contextJson: '/account-switcher/global-and-regional-account/merchantMarketplace',
  picker: '/account-switcher/default/merchantMarketplace',
} as const;

const text = (el: Element | null | undefined): string | undefined => {
  const t = el?.textContent?.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, 200) : undefined;
};

/** Reads the account and marketplace labels from the page header (the fallback source). */
export function readHeader(doc: Document, url: URL): PageContext {
  const accountName = text(doc.querySelector(SELECTORS.accountName));
  let marketplaceName = text(doc.querySelector(SELECTORS.marketplaceName));
  const legacy = doc.querySelector<HTMLSelectElement>(SELECTORS.legacyPicker);
  if (!marketplaceName && legacy) {
    marketplaceName = text(legacy.selectedOptions[0]);
  }
  const merchantId = url.searchParams.get('mons_sel_dir_mcid') ?? undefined;
  const marketplaceId = url.searchParams.get('mons_sel_mkid') ?? undefined;
  return {
    host: url.host,
    recognised: Boolean(accountName || marketplaceName),
    ...(merchantId && /^[A-Z0-9]{8,20}$/.test(merchantId) ? { merchantId } : {}),
    ...(marketplaceId && marketplaceId.length <= 60 ? { marketplaceId } : {}),
    ...(accountName ? { accountName } : {}),
    ...(marketplaceName ? { marketplaceName } : {}),
  };
}

/**
 * The deep link that switches Seller Central to a merchant and marketplace (DOMAIN.md §4).
 * The `amzn1.mp.o.` prefix is required: without it the switch silently does nothing.
 */
export function switchUrl(input: {
  host: string;
  merchantId: string;
  marketplaceId: string;
  partnerAccountId?: string;
}): string {
  const url = new URL(`https://${input.host}/home`);
  url.searchParams.set('mons_sel_dir_mcid', input.merchantId);
  const mkid = input.marketplaceId.startsWith('amzn1.mp.o.')
    ? input.marketplaceId
    : `amzn1.mp.o.${input.marketplaceId}`;
  url.searchParams.set('mons_sel_mkid', mkid);
  if (input.partnerAccountId) url.searchParams.set('mons_sel_dir_paid', input.partnerAccountId);
  url.searchParams.set('ignore_selection_changed', 'true');
  return url.toString();
}

export function pickerUrl(host: string): string {
  return `https://${host}${PATHS.picker}`;
}

/** Newer pages answer a switch link with this text instead of switching. */
export const SWITCH_REFUSED_TEXT = 'Invalid request URL from client';

export function isSwitchRefused(doc: Document): boolean {
  return (doc.body?.textContent ?? '').includes(SWITCH_REFUSED_TEXT);
}

/** Payments pages that list settlements with their flat-file downloads (DOMAIN.md §4). */
export const STATEMENT_PATHS = [
  '/payments/past-settlements',
  '/payments/allstatements/index.html',
  '/payments/reports-repository',
  '/payments/dashboard/index.html',
] as const;

export function isStatementsPage(url: URL): boolean {
  return STATEMENT_PATHS.some((p) => url.pathname.startsWith(p));
}

export interface SettlementDownload {
  settlementId: string;
  /** Absolute URL of the V2 flat file, on the page's own origin. */
  href: string;
  anchor: HTMLAnchorElement;
}

const SETTLEMENT_PARAM = /^(settlementId|settlement_id|referenceId|reportReferenceId)$/i;
const FLAT_FILE_V2 = /flat\s*file.*v2|flatfilev2|FLAT_FILE_V2/i;

/**
 * Links to V2 flat files for individual settlements. A link counts when its text or URL
 * says "flat file V2" and its URL names the settlement; links to other origins are ignored,
 * so a page cannot point the extension at a file elsewhere.
 */
export function findSettlementDownloads(doc: Document, pageUrl: URL): SettlementDownload[] {
  const found = new Map<string, SettlementDownload>();
  for (const anchor of doc.querySelectorAll<HTMLAnchorElement>('a[href]')) {
    let url: URL;
    try {
      url = new URL(anchor.getAttribute('href') ?? '', pageUrl);
    } catch {
      continue;
    }
    if (url.origin !== pageUrl.origin) continue;
    if (!FLAT_FILE_V2.test(`${anchor.textContent ?? ''} ${url.search}`)) continue;
    const param = [...url.searchParams.entries()].find(
      ([k, v]) => SETTLEMENT_PARAM.test(k) && /^\d{6,20}$/.test(v),
    );
    if (param && !found.has(param[1]))
      found.set(param[1], { settlementId: param[1], href: url.toString(), anchor });
  }
  return [...found.values()];
}
