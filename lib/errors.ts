/**
 * Errors that travel between extension parts as plain values. Each one says what happened
 * and what the user can do; `code` lets the UI pick an action (e.g. show "Reconnect").
 */
import type { z } from 'zod';
import { ENGLISH, type MessageKey, t } from './i18n';

export interface ErrorInfo {
  code: string;
  message: string;
}

export class AppError extends Error implements ErrorInfo {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/**
 * The schemas' own messages (lib/record-schemas.ts, lib/settings.ts, lib/messages.ts, lib/history.ts)
 * are English sentences; the catalogs' `validation.*` entries repeat them in English, so a
 * message found there is shown in the seller's language. test/unit/locale-strings.test.ts
 * checks that every such schema message has its entry.
 */
function schemaMessage(english: string): string {
  for (const [key, text] of Object.entries(ENGLISH)) {
    if (key.startsWith('validation.') && text === english) return t(key as MessageKey);
  }
  return english;
}

/** Turns a zod failure into one sentence naming the field, for people rather than programs. */
export function describeZodError(error: z.ZodError, what = 'input'): string {
  const first = error.issues[0];
  if (!first) return t('errors.invalid', { what });
  const where = first.path.length > 0 ? ` ${t('errors.at', { path: first.path.join('.') })}` : '';
  return `${schemaMessage(first.message)}${where}`;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) return error.toJSON();
  return {
    code: 'internal',
    message: t('errors.internal'),
  };
}

/** What a caught value says, for showing to the user: an error's message, else the value as text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
