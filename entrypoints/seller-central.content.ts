import { browser } from 'wxt/browser';
import { sellerCentralMatchPatterns } from '@/lib/marketplaces';
import { sendMessage } from '@/lib/message-client';
import { readPageContext } from '@/lib/seller-central/detect';
import { isSwitchRefused } from '@/lib/seller-central/page';

export default defineContentScript({
  matches: sellerCentralMatchPatterns(),
  runAt: 'document_idle',
  async main() {
    const send = (m: unknown) => browser.runtime.sendMessage(m);
    if (isSwitchRefused(document)) {
      await sendMessage(send, 'page/switch-refused', { host: location.host });
      return;
    }
    const context = await readPageContext(document, new URL(location.href), fetch);
    await sendMessage(send, 'page/report', context);
  },
});
