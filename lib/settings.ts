import { z } from 'zod';

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** The relay's base URL: https anywhere, plain http only on this machine (development). */
export const RelayUrl = z
  .string()
  .trim()
  .url('The relay address must be a full URL, such as https://relay.example.com.')
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
  }, 'The relay address must use https (plain http is allowed only for localhost).')
  .transform((value) => value.replace(/\/+$/, ''));

export const DEFAULT_RELAY_URL = 'http://127.0.0.1:8787';

export const Settings = z.object({
  relayUrl: RelayUrl,
});
export type Settings = z.infer<typeof Settings>;
