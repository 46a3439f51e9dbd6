import { browser } from 'wxt/browser';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import { startStatements } from '@/lib/features/statements';
import { sellerCentralMatchPatterns } from '@/lib/marketplaces';
import { sendMessage } from '@/lib/message-client';
import { readPageContext } from '@/lib/seller-central/detect';
import { isStatementsPage, isSwitchRefused } from '@/lib/seller-central/page';

export default defineContentScript({
  matches: sellerCentralMatchPatterns(),
  runAt: 'document_idle',
  async main(ctx) {
    const send = (m: unknown) => browser.runtime.sendMessage(m);
    if (isSwitchRefused(document)) {
      await sendMessage(send, 'page/switch-refused', { host: location.host });
      return;
    }
    const url = new URL(location.href);
    const context = await readPageContext(document, url, fetch);
    await sendMessage(send, 'page/report', context);
    if (!context.recognised || !isStatementsPage(url)) return;

    await startStatements({
      doc: document,
      url,
      send,
      signal: ctx.signal,
      fetchFile: async (href) => {
        const res = await fetch(href, { credentials: 'include' });
        if (!res.ok) throw new Error(`Seller Central did not hand over the file (HTTP ${res.status}).`);
        return res.text();
      },
      mount: async (name, anchor) => {
        const ui = await createShadowRootUi(ctx, {
          name,
          position: 'inline',
          anchor: anchor ?? document.body,
          append: anchor ? 'after' : 'last',
          mode: 'closed',
          isolateEvents: true,
          onMount: (container) => container,
        });
        ui.mount();
        return { container: ui.mounted as HTMLElement, remove: () => ui.remove() };
      },
    });
  },
});
