/**
 * Errors that travel between extension parts as plain values. Each one says what happened
 * and what the user can do; `code` lets the UI pick an action (e.g. show "Reconnect").
 */
import type { z } from 'zod';
import { t } from './i18n';

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

/** Turns a zod failure into one sentence naming the field, for people rather than programs. */
export function describeZodError(error: z.ZodError, what = 'input'): string {
  const first = error.issues[0];
  if (!first) return t('errors.invalid', { what });
  const where = first.path.length > 0 ? ` ${t('errors.at', { path: first.path.join('.') })}` : '';
  return `${first.message}${where}`;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) return error.toJSON();
  return {
    code: 'internal',
    message: t('errors.internal'),
  };
}
