// The ids the extension runs under. Chrome derives an extension's id from its public key:
// local (unpacked) builds carry DEV_CHROME_KEY so their id is DEV_CHROME_EXTENSION_ID on
// every machine, and a build for the Chrome Web Store (RELAY_URL set at build time) carries
// none, so the store assigns its own. Firefox uses the gecko id from the manifest.
// The relay's ALLOWED_EXTENSION_IDS defaults to these two, so a local relay accepts the
// local build's sign-in return URLs and nothing else.

/** Public half only (SubjectPublicKeyInfo, base64); Chrome needs nothing else to fix the id. */
export const DEV_CHROME_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnxBayW4P89vQpedQEzt6luUTlxG5LTnz0bJhFi+7xVo+cT7vkldxAfqFftcJgEd61pWd+yTxPCtCQSf1QujOtk752WNpJbWVkWHirc+GX+TNCcM6cHY1DG+d3tpbBb4u1sV/iuiWOxEAZgrjtnmYM6taMNuiZwaMtv3XkUY7A57Gil3zjN2tJPqP3sMtzKvBVn0G0kESIhCMOGf2ibfR9AwRLnEPRWC+9D7S4cUs7jTXNUQEp/iXRBfiogzkdCpnHlYnmeope+0ExufWS9xzw8rJrZQCBTnLgq0Q1GOsm6YRo73HQ4Hezz7+mM493nW4xur8Qq6TGSI2rtvd4fd1EwIDAQAB';

/** sha256(DEV_CHROME_KEY's DER), first 32 hex digits written a–p (test/node/extension-ids.test.ts). */
export const DEV_CHROME_EXTENSION_ID = 'didbicanjnbcfkgccaijnmhljmboiikh';

export const GECKO_ID = 'settlebridge@settlebridge.app';
