/**
 * The sending side of lib/messages.ts for extension pages and the content script. Imports
 * types only, so the popup bundle does not carry the protocol's schemas: the background
 * validates everything it receives.
 */
import { AppError } from './errors';
import { t } from './i18n';
import type { MessageInput, MessageOutput, MessageType, Reply } from './messages';

export class MessageError extends AppError {}

export type SendFn = (message: unknown) => Promise<unknown>;

export async function sendMessage<T extends MessageType>(
  send: SendFn,
  type: T,
  input: MessageInput<T>,
): Promise<MessageOutput<T>> {
  const reply = (await send({ type, input })) as Reply<MessageOutput<T>> | undefined;
  if (!reply) throw new MessageError('no_reply', t('errors.noReply'));
  if (!reply.ok) throw new MessageError(reply.error.code, reply.error.message);
  return reply.value;
}
