/**
 * The one message protocol between extension parts. Only the background listens.
 *
 * Trust: a message is accepted only from this extension (`sender.id`), and each message
 * names who may send it. `extension-page` messages (popup, options) must come from a page
 * of this extension's own origin; a content script runs inside an untrusted Seller Central
 * page, so it may only send `content-script` messages, which report what it saw and
 * change nothing the user owns. Extension pages can also be opened in a tab (the popup
 * "popped out"), so `sender.tab` alone does not tell a content script from a page: the
 * sender's URL origin does.
 *
 * Privileged actions only from extension-owned surfaces: a content script may report what
 * it saw (`page/report`, `settlement/ingest` of the file the page offered, `settlement/states`)
 * and ask for a preview, but sending to Xero (which spends the organisation's API budget)
 * and changing the global account mapping are `extension-page` only. From a statements page
 * the content script asks for `settlement/confirm`; the background opens the extension's
 * own confirmation window (entrypoints/confirm), an extension-origin page the Seller Central
 * page cannot script or click, and the send and any mapping change happen there. A
 * compromised Seller Central renderer can therefore plant at most a file the user then sees
 * in that preview; it cannot send or remap on its own.
 */
import { z } from 'zod';
import { AppError, describeZodError, type ErrorInfo, toErrorInfo } from './errors';
import { HistoryPage, HistoryQuery, ProblemSummary } from './history';
import { isSellerCentralHost } from './marketplaces';
import { PageContext } from './page-context';
import {
  Account,
  AccountName,
  Mapping,
  MarketplaceCode,
  upgradeStoredAccountIds,
  XeroConnection,
} from './record-schemas';
import { Settings, SettingsView } from './settings';
import { BooksCheckResult, BooksCreateResult, BooksLoadResult, SettlementView } from './views';

export type SenderKind = 'extension-page' | 'content-script';

interface MessageSpec {
  from: SenderKind | readonly SenderKind[];
  input: z.ZodType;
  output: z.ZodType;
}

const Id = z.string().uuid();
const ConnectionId = z.string().min(1).max(100);
const Empty = z.object({});
const currencyFacts = { currency: z.string(), organisation: z.string() };
const CurrencyCheck = z.discriminatedUnion('state', [
  z.object({ state: z.literal('base'), ...currencyFacts }),
  ...(['enabled', 'can_enable', 'plan_lacks_multicurrency'] as const).map((state) =>
    z.object({ state: z.literal(state), ...currencyFacts, baseCurrency: z.string() }),
  ),
]);

const BOTH = ['extension-page', 'content-script'] as const;
const SettlementId = z.string().regex(/^[0-9A-Za-z-]{1,40}$/, 'Not an Amazon settlement id.');
const SettlementKey = z.string().min(1).max(200);
/** The current statements page's report id for a row's file; not the settlement id. */
const ReferenceId = z.string().regex(/^\d{1,30}$/, 'Not a Seller Central report reference.');
const RowState = z.object({
  status: z.string(),
  settlementKey: z.string(),
  xeroUrl: z.string().optional(),
  error: z.string().optional(),
});
/** Chrome caps one message at 64 MiB; beyond this a file must be imported on the options page in parts. */
const SettlementText = z
  .string()
  .min(1)
  .max(48 * 1024 * 1024, 'This settlement file is larger than 48 MB.');
const View = SettlementView;

/** The account metadata export (lib/background/backup.ts); tokens are never part of it. */
export const BACKUP_FORMAT = 'settlebridge-backup';

export const Backup = z.object({
  format: z.literal(BACKUP_FORMAT, { error: 'This is not a Settlebridge backup file.' }),
  version: z.literal(1, {
    error: 'This backup was made by a newer Settlebridge; update the extension first.',
  }),
  exportedAt: z.string(),
  // Backups made before Amazon's real id formats were enforced carry ids in the old shape.
  accounts: z
    .array(
      z.preprocess(
        (a) => (a && typeof a === 'object' ? upgradeStoredAccountIds(a as Record<string, unknown>) : a),
        Account,
      ),
    )
    .max(10_000),
  xeroConnections: z.array(XeroConnection).max(1_000),
  mappings: z.array(Mapping).max(1_000),
});
export type Backup = z.infer<typeof Backup>;

export const protocol = {
  'account/list': { from: 'extension-page', input: Empty, output: z.array(Account) },
  'account/create': {
    from: 'extension-page',
    input: z.object({ name: AccountName, marketplace: MarketplaceCode }),
    output: Account,
  },
  'account/delete': { from: 'extension-page', input: z.object({ accountId: Id }), output: Empty },
  /** Binds the account to the merchant and marketplace shown in the current Seller Central tab. */
  'account/bind-amazon': { from: 'extension-page', input: z.object({ accountId: Id }), output: Account },
  /** Switches Seller Central to the account (deep link, in the current Seller Central tab or a new one). */
  'account/switch': {
    from: 'extension-page',
    input: z.object({ accountId: Id }),
    output: z.object({ url: z.string(), tabId: z.number().int() }),
  },
  'popup/state': {
    from: 'extension-page',
    input: Empty,
    output: z.object({
      accounts: z.array(Account),
      connections: z.array(XeroConnection),
      context: PageContext.nullable(),
      activeAccountId: z.string().nullable(),
    }),
  },
  /**
   * `chooseFrom` is present when the Xero sign-in covered several organisations: the
   * connection posts nowhere until one of them is chosen with 'xero/choose-tenant'.
   */
  'xero/connect': {
    from: 'extension-page',
    input: z.object({ accountId: Id }),
    output: z.object({
      connectionId: z.string(),
      organisationName: z.string(),
      chooseFrom: z.array(z.object({ tenantId: z.string(), name: z.string() })).optional(),
    }),
  },
  'xero/choose-tenant': {
    from: 'extension-page',
    input: z.object({ accountId: Id, tenantId: z.string().min(1).max(100) }),
    output: z.object({ connectionId: z.string(), organisationName: z.string() }),
  },
  'xero/share': {
    from: 'extension-page',
    input: z.object({ accountId: Id, fromAccountId: Id }),
    output: z.object({ connectionId: z.string(), organisationName: z.string() }),
  },
  'xero/currency': { from: 'extension-page', input: z.object({ accountId: Id }), output: CurrencyCheck },
  'xero/enable-currency': {
    from: 'extension-page',
    input: z.object({ accountId: Id }),
    output: CurrencyCheck,
  },
  'connection/list': {
    from: 'extension-page',
    input: z.object({ check: z.boolean().default(false) }),
    output: z.object({
      connections: z.array(XeroConnection.extend({ accountIds: z.array(z.string()) })),
      stale: z.string().optional(),
    }),
  },
  'connection/disconnect': {
    from: 'extension-page',
    input: z.object({ connectionId: ConnectionId }),
    output: z.object({ affectedAccountIds: z.array(z.string()) }),
  },
  'connection/reconnect': {
    from: 'extension-page',
    input: z.object({ connectionId: ConnectionId }),
    output: z.object({ status: z.string() }),
  },
  'settings/get': { from: 'extension-page', input: Empty, output: SettingsView },
  'settings/set': { from: 'extension-page', input: Settings, output: SettingsView },
  'backup/export': { from: 'extension-page', input: Empty, output: Backup },
  'backup/import': {
    from: 'extension-page',
    input: z.object({ document: z.unknown() }),
    output: z.object({ accounts: z.number(), connections: z.number(), mappings: z.number() }),
  },
  /** A V2 flat file fetched by the content script through the page's own download link. */
  'settlement/ingest': {
    from: 'content-script',
    input: z
      .object({
        settlementId: SettlementId.optional(),
        referenceId: ReferenceId.optional(),
        text: SettlementText,
      })
      .refine((i) => i.settlementId || i.referenceId, 'Say which settlement or report this file is for.'),
    output: View,
  },
  /** A file the user dropped on the options page. */
  'settlement/import': {
    from: 'extension-page',
    input: z.object({ accountId: Id, text: SettlementText }),
    output: View,
  },
  'settlement/preview': { from: BOTH, input: z.object({ settlementKey: SettlementKey }), output: View },
  'settlement/states': {
    from: 'content-script',
    input: z.object({
      settlementIds: z.array(SettlementId).max(500),
      referenceIds: z.array(ReferenceId).max(500).optional(),
    }),
    output: z.object({
      accountName: z.string().nullable(),
      /** By settlement id. */
      states: z.record(z.string(), RowState),
      /** By the statements page's referenceId (current UI), for settlements read from such a row. */
      byReference: z.record(z.string(), RowState).optional(),
    }),
  },
  /** Queues a settlement for Xero: only from an extension page (the confirmation window, options). */
  'settlement/send': {
    from: 'extension-page',
    input: z.object({ settlementKey: SettlementKey }),
    output: View,
  },
  /** From a statements page: open the extension's confirmation window for these settlements. */
  'settlement/confirm': {
    from: 'content-script',
    input: z.object({ settlementKeys: z.array(SettlementKey).min(1).max(50) }),
    output: z.object({ opened: z.literal(true) }),
  },
  'settlement/progress': {
    from: BOTH,
    input: z.object({ settlementKeys: z.array(SettlementKey).max(500) }),
    output: z.object({
      counts: z.object({
        queued: z.number(),
        sending: z.number(),
        sent: z.number(),
        failed: z.number(),
        parked: z.number(),
        conflict: z.number(),
      }),
      estimateSeconds: z.number().nullable(),
    }),
  },
  /** Maps one settlement key to a Xero account code, from the preview, and rebuilds it. */
  'mapping/set-account': {
    from: 'extension-page',
    input: z.object({
      settlementKey: SettlementKey,
      key: z.string().min(1).max(300),
      accountCode: z.string().trim().min(1).max(10),
    }),
    output: View,
  },
  // --- Books setup, per Xero organisation (lib/background/books.ts) ---
  /** The organisation's books through the relay, the saved setup (or suggestions) and the Amazon accounts plan. */
  'books/load': {
    from: 'extension-page',
    input: z.object({ accountId: Id, refresh: z.boolean().optional() }),
    output: BooksLoadResult,
  },
  /** "Create Amazon accounts for me": only these accounts, only on the user's click. */
  'books/create-accounts': {
    from: 'extension-page',
    input: z.object({
      accountId: Id,
      accounts: z
        .array(
          z.object({
            code: z.string().trim().min(1).max(10),
            name: z.string().trim().min(1).max(150),
            type: z.enum([
              'REVENUE',
              'OTHERINCOME',
              'DIRECTCOSTS',
              'OVERHEADS',
              'EXPENSE',
              'CURRENT',
              'CURRLIAB',
            ]),
            taxType: z.string().trim().min(1).max(50).optional(),
          }),
        )
        .min(1)
        .max(30),
    }),
    output: BooksCreateResult,
  },
  /** Where each line of a settlement would post (account code and name) and what would stop the send. */
  'books/check': {
    from: 'extension-page',
    input: z.object({ settlementKey: z.string().min(1).max(200) }),
    output: BooksCheckResult,
  },
  /** Saves a complete setup as the organisation's mapping; refused unless every choice fits its books. */
  'books/save': {
    from: 'extension-page',
    input: z.object({
      accountId: Id,
      groups: z.record(
        z.string(),
        z.object({ accountCode: z.string().min(1).max(10), taxType: z.string().min(1).max(50) }),
      ),
      tracking: z
        .object({ category: z.string().min(1).max(100), option: z.string().min(1).max(100) })
        .optional(),
    }),
    output: z.object({ organisationName: z.string(), tenantId: z.string() }),
  },
  'page/report': { from: 'content-script', input: PageContext, output: Empty },
  /** The content script saw Seller Central refuse a switch link: fall back to the picker page. */
  'page/switch-refused': {
    from: 'content-script',
    input: z.object({ host: z.string().max(100) }),
    output: Empty,
  },
  'page/current': {
    from: 'extension-page',
    input: Empty,
    output: z.object({ context: PageContext.nullable() }),
  },

  // The Settlements page (entrypoints/settlements). It is an extension-owned surface, so
  // sending and retrying from it are accepted only from extension pages: a content script
  // (inside an untrusted page) can never start a send through these.
  /** One page of every account's settlements, newest period first, with the filters applied. */
  'history/list': { from: 'extension-page', input: HistoryQuery, output: HistoryPage },
  /** What needs the user (failed, needs reconnect, conflict): the popup's one-line summary. */
  'history/summary': { from: 'extension-page', input: Empty, output: ProblemSummary },
  'history/send': { from: 'extension-page', input: z.object({ settlementKey: SettlementKey }), output: View },
  /** Puts a failed or conflicting settlement's sends back in the outbox (the relay re-checks Xero first). */
  'history/retry': {
    from: 'extension-page',
    input: z.object({ settlementKey: SettlementKey }),
    output: View,
  },
  'history/notifications': {
    from: 'extension-page',
    input: z.object({ enabled: z.boolean().optional() }),
    output: z.object({ enabled: z.boolean() }),
  },
} as const satisfies Record<string, MessageSpec>;

export type Protocol = typeof protocol;
export type MessageType = keyof Protocol;
export type MessageInput<T extends MessageType> = z.input<Protocol[T]['input']>;
export type MessageOutput<T extends MessageType> = z.output<Protocol[T]['output']>;

export const Envelope = z.object({
  type: z.enum(Object.keys(protocol) as [MessageType, ...MessageType[]]),
  input: z.unknown(),
});

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** The parts of `runtime.MessageSender` the browser fills in and we rely on. */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

export interface RuntimeIdentity {
  id: string;
  /** `runtime.getURL('/')`: this extension's own origin with a trailing slash. */
  origin: string;
}

export function classifySender(sender: Sender, self: RuntimeIdentity): SenderKind | null {
  if (sender.id !== self.id || !sender.url) return null;
  if (sender.url.startsWith(self.origin)) return 'extension-page';
  if (sender.tab?.id === undefined) return null;
  let host: string;
  try {
    host = new URL(sender.url).host;
  } catch {
    return null;
  }
  // Only the top frame of a Seller Central page: the content script is not injected into
  // frames, so a message from a sub-frame is not ours.
  return isSellerCentralHost(host) && sender.frameId === 0 ? 'content-script' : null;
}

export interface HandlerContext {
  sender: Sender;
  tabId?: number;
}

export type Handlers = {
  [T in MessageType]: (
    input: z.output<Protocol[T]['input']>,
    ctx: HandlerContext,
  ) => Promise<MessageOutput<T>>;
};

/**
 * Validates and dispatches one message. Returns `undefined` (no reply at all) for senders
 * that are not this extension, so other extensions learn nothing about us. Takes every
 * handler, so a message without one does not compile; an answer is checked against its
 * output schema like the input is, and one that does not fit is refused, not sent.
 */
export async function dispatch(
  handlers: Handlers,
  raw: unknown,
  sender: Sender,
  self: RuntimeIdentity,
): Promise<Reply<unknown> | undefined> {
  const kind = classifySender(sender, self);
  if (kind === null) return undefined;
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, error: { code: 'unknown_message', message: 'Unknown message; nothing was done.' } };
  }
  const { type } = envelope.data;
  const spec: MessageSpec = protocol[type];
  const allowed: readonly SenderKind[] = typeof spec.from === 'string' ? [spec.from] : spec.from;
  if (!allowed.includes(kind)) {
    return {
      ok: false,
      error: {
        code: 'forbidden_sender',
        message: `"${type}" may only be sent from ${allowed.join(' or ')}s; refused.`,
      },
    };
  }
  const input = spec.input.safeParse(envelope.data.input);
  if (!input.success) {
    return { ok: false, error: { code: 'invalid_input', message: describeZodError(input.error) } };
  }
  const handler = handlers[type] as (input: unknown, ctx: HandlerContext) => Promise<unknown>;
  let value: unknown;
  try {
    // The Seller Central tab a content script speaks for; an extension page in a tab or
    // window (confirmation, popped-out popup) speaks for no Seller Central tab.
    const tabId = kind === 'content-script' ? sender.tab?.id : undefined;
    value = await handler(input.data, { sender, ...(tabId === undefined ? {} : { tabId }) });
  } catch (error) {
    if (!(error instanceof AppError)) console.error(`settlebridge: ${type} failed`, error);
    return { ok: false, error: toErrorInfo(error) };
  }
  // Checked, not filtered: the answer goes out as the handler made it once it fits.
  const output = spec.output.safeParse(value);
  if (!output.success) {
    console.error(`settlebridge: ${type} answered outside its schema`, describeZodError(output.error));
    return {
      ok: false,
      error: {
        code: 'invalid_output',
        message: `Settlebridge could not answer "${type}" in the expected shape; nothing more was done.`,
      },
    };
  }
  return { ok: true, value };
}
