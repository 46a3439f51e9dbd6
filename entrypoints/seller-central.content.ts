import '@/components/in-page/styles.css';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { startStatements } from '@/lib/features/statements';
import { t } from '@/lib/i18n';
// The in-page UI follows a language switch without loading anything from the page's origin.
import '@/lib/i18n-catalogs';
import { loadLocale } from '@/lib/i18n-load';
import { sellerCentralMatchPatterns } from '@/lib/marketplaces';
import { sendMessage } from '@/lib/message-client';
import { readPageContext } from '@/lib/seller-central/detect';
import { isStatementsPage, isSwitchRefused } from '@/lib/seller-central/page';
import { sendToBackground as send } from '@/lib/send-to-background';
import { decodeSettlementBytes } from '@/lib/settlement/parse';

/**
 * Requests as the page itself makes them. Firefox gives content scripts their own `fetch`,
 * which sends the extension's origin; `content.fetch` is the page's (MDN: "Content script
 * environment > XHR and Fetch"). Chrome's content-script fetch already acts for the page.
 */
const pageFetch: typeof fetch =
  (globalThis as { content?: { fetch?: typeof fetch } }).content?.fetch?.bind(window) ?? fetch.bind(window);

export default defineContentScript({
  matches: sellerCentralMatchPatterns(),
  runAt: 'document_idle',
  // styles.css goes into each closed shadow root createShadowRootUi makes, never into the page.
  cssInjectionMode: 'ui',
  async main(ctx) {
    if (isSwitchRefused(document)) {
      await sendMessage(send, 'page/switch-refused', { host: location.host }).catch(() => {});
      return;
    }

    let statements: AbortController | null = null;
    /** Reads and reports this page, then starts "Send to Xero" when it is a statements page. */
    const visit = async () => {
      statements?.abort();
      statements = null;
      const url = new URL(location.href);
      const context = await readPageContext(document, url, pageFetch, { signal: ctx.signal });
      if (ctx.signal.aborted || location.href !== url.href) return;
      await sendMessage(send, 'page/report', { ...context, path: url.pathname });
      if (!context.recognised || !isStatementsPage(url)) return;
      await loadLocale();
      const controller = new AbortController();
      statements = controller;
      ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
      await startStatements({
        doc: document,
        url,
        send,
        signal: controller.signal,
        fetchFile: async (href) => {
          const res = await pageFetch(href, { credentials: 'include' });
          if (!res.ok) throw new Error(t('errors.fileDownload', { status: res.status }));
          const decoded = decodeSettlementBytes(new Uint8Array(await res.arrayBuffer()));
          if (!decoded.ok) throw new Error(decoded.error.message);
          return decoded.value;
        },
        mount: async (name, anchor, where = 'after') => {
          const ui = await createShadowRootUi(ctx, {
            name,
            position: 'inline',
            anchor: anchor ?? document.body,
            append: anchor ? where : 'last',
            mode: 'closed',
            isolateEvents: true,
            onMount: (container) => container,
          });
          ui.mount();
          return { container: ui.mounted as HTMLElement, remove: () => ui.remove() };
        },
      });
    };
    // Seller Central's newer pages navigate without reloading (pagination, menus).
    ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl, oldUrl }) => {
      if (newUrl.pathname !== oldUrl.pathname) void visit().catch(() => {});
    });
    await visit().catch(() => {});
  },
});
