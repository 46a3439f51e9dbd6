import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. Used for OAuth state and relay codes. */
export const randomToken = () => randomBytes(32).toString('base64url');

/** Only hashes of single-use codes are stored, so a store dump cannot redeem them. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
