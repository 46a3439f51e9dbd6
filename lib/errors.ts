/**
 * Errors that travel between extension parts as plain values. Each one says what happened
 * and what the user can do; `code` lets the UI pick an action (e.g. show "Reconnect").
 */
import type { z } from 'zod';

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
  if (!first) return `The ${what} is not valid.`;
  const where = first.path.length > 0 ? ` (at ${first.path.join('.')})` : '';
  return `${first.message}${where}`;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AppError) return error.toJSON();
  return {
    code: 'internal',
    message: 'Something went wrong inside Settlebridge; nothing was changed. Try again.',
  };
}
