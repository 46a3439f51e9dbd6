import { browser } from 'wxt/browser';
import { sellerCentralMatchPatterns } from '@/lib/marketplaces';
import { sendMessage } from '@/lib/message-client';
import { readHeader } from '@/lib/seller-central/page';

export default defineContentScript({
  matches: sellerCentralMatchPatterns(),
  runAt: 'document_idle',
  async main() {
    const context = readHeader(document, new URL(location.href));
    await sendMessage((m) => browser.runtime.sendMessage(m), 'page/report', context);
  },
});
