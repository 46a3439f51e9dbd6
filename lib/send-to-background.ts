import { browser } from 'wxt/browser';
import type { SendFn } from './message-client';

/**
 * How extension pages and the content script reach the background (lib/messages.ts); pass it
 * to `sendMessage`. Kept out of lib/message-client.ts so components, which take `send` as a
 * prop, never load a browser API.
 */
export const sendToBackground: SendFn = (message) => browser.runtime.sendMessage(message);
