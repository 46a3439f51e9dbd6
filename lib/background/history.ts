/**
 * Every account's settlements in one place (the Settlements page), and the problems that
 * need the user surfaced outside any page: a count on the toolbar badge and one browser
 * notification per problem.
 *
 * Reads the same durable records the outbox writes (lib/db.ts); it never keeps a copy.
 * Pages go through IndexedDB's indexes (version 2 of the schema), so the first screen
 * reads one page of settlements, not every settlement with its source file.
 */
import type { Collection, InsertType } from 'dexie';
import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { type HistoryPage, type HistoryRow, PROBLEM_STATUSES, type ProblemSummary } from '../history';
import { STATUS_KEYS, STATUSES } from '../history-constants';
import { getLocale, t, tp } from '../i18n';
import type { Handlers } from '../messages';
import type { Send, Settlement, SettlementStatus } from '../record-schemas';
import { formatMinor } from '../settlement/money';
import { safeXeroUrl } from '../xero-url';
import type { Clock } from './clock';
import type { Outbox } from './outbox';

/** A status inside a sentence: English keeps its lower-case word ("needs reconnect"), other languages the Settlements page's label. */
const statusWord = (status: SettlementStatus): string =>
  getLocale() === 'en' ? status.replace('_', ' ') : t(STATUS_KEYS[status]);

type HistoryHandlers = Pick<
  Handlers,
  'history/list' | 'history/summary' | 'history/send' | 'history/retry' | 'history/notifications'
>;

export interface PreferenceStore<T> {
  get(): Promise<T>;
  set(value: T): Promise<void>;
}

export interface HistoryDeps {
  db: SettlebridgeDb;
  outbox: Pick<Outbox, 'drain' | 'updateSettlements'>;
  /** The one send path (lib/background/settlements.ts), so the page sends exactly as Seller Central does. */
  send: (settlementKey: string) => ReturnType<Handlers['settlement/send']>;
  preview: (settlementKey: string) => ReturnType<Handlers['settlement/preview']>;
  notificationsEnabled: PreferenceStore<boolean>;
  /** Called after a retry so the badge follows at once. */
  onChanged?: () => void;
  clock: Clock;
}

const RETRYABLE = new Set<Send['state']>(['failed', 'conflict']);

type SettlementCollection = Collection<Settlement, string, InsertType<Settlement, 'key'>>;

export async function problemSummary(db: SettlebridgeDb): Promise<ProblemSummary> {
  // Key-only counts on the status index: no settlement record is read.
  const [failed, needsReconnect, conflict] = await Promise.all(
    PROBLEM_STATUSES.map((s) => db.settlements.where('status').equals(s).count()),
  );
  return {
    failed: failed!,
    needsReconnect: needsReconnect!,
    conflict: conflict!,
    total: failed! + needsReconnect! + conflict!,
  };
}

/** One word for a send's files, and the reasons when the trail is not whole. */
function attachmentsOf(send: Send): {
  attachments?: 'attached' | 'attaching' | 'failed';
  attachmentProblem?: string;
} {
  const files = send.attachments ?? [];
  if (send.state !== 'sent' || files.length === 0) return {};
  const failed = files.filter((f) => f.state === 'failed');
  const problems = [
    ...failed.map((f) => f.error ?? t('history.fileNotAttached', { name: f.fileName })),
    send.attachmentNote,
  ]
    .filter((p): p is string => Boolean(p))
    .join(' ');
  const state =
    failed.length > 0 ? 'failed' : files.some((f) => f.state === 'pending') ? 'attaching' : 'attached';
  return { attachments: state, ...(problems ? { attachmentProblem: problems } : {}) };
}

export function createHistoryHandlers(deps: HistoryDeps): HistoryHandlers {
  const { db } = deps;
  const now = () => deps.clock.now();

  async function toRows(settlements: Settlement[]): Promise<HistoryRow[]> {
    const keys = settlements.map((s) => s.key);
    const sends = keys.length ? await db.sends.where('settlementKey').anyOf(keys).toArray() : [];
    const byKey = new Map<string, Send[]>();
    for (const s of sends) byKey.set(s.settlementKey, [...(byKey.get(s.settlementKey) ?? []), s]);
    const accounts = new Map((await db.accounts.toArray()).map((a) => [a.id, a]));
    return settlements.map((s) => {
      const account = accounts.get(s.accountId);
      const parts = (byKey.get(s.key) ?? []).sort((a, b) => a.part - b.part);
      const connectionId = parts[0]?.connectionId ?? account?.xeroConnectionId;
      return {
        settlementKey: s.key,
        settlementId: s.settlementId,
        accountId: s.accountId,
        accountName: account?.name ?? t('history.deletedAccount'),
        marketplace: account?.marketplace ?? '',
        periodStart: s.periodStart,
        periodEnd: s.periodEnd,
        depositDate: s.depositDate,
        deposit: formatMinor(BigInt(s.depositTotalMinor), s.currency),
        currency: s.currency,
        status: s.status,
        ...(s.lastError ? { error: s.lastError } : {}),
        invoices: parts.map((p) => {
          // The relay's link, but only when it leads into Xero's web app (lib/xero-url.ts).
          const xeroUrl = safeXeroUrl(p.xeroUrl);
          return {
            number: p.invoiceNumber,
            state: p.state,
            ...(xeroUrl ? { xeroUrl } : {}),
            ...attachmentsOf(p),
          };
        }),
        ...(connectionId ? { connectionId } : {}),
        // The outbox stamps a settlement each time it recomputes its status; once sent it is
        // no longer followed, so the stamp is when the last part reached Xero.
        ...(s.status === 'sent' ? { sentAt: s.updatedAt } : {}),
      };
    });
  }

  /**
   * The narrowest index for the filters, newest period first, with whatever the index
   * cannot express checked in JS (so only those filters read records to decide).
   */
  function select(q: {
    accountId?: string | undefined;
    status?: SettlementStatus | undefined;
    from?: string | undefined;
    to?: string | undefined;
    search?: string | undefined;
  }): SettlementCollection {
    const lo = q.from ?? '';
    // Period ends are ISO dates; anything starting with `to` is on or before that day.
    const hi = q.to ? `${q.to}\uffff` : '\uffff';
    let c: SettlementCollection;
    let rest: ((s: Settlement) => boolean)[] = [];
    if (q.search) {
      c = db.settlements.where('settlementId').startsWith(q.search);
      rest = [
        (s) => !q.accountId || s.accountId === q.accountId,
        (s) => !q.status || s.status === q.status,
        (s) => s.periodEnd >= lo && s.periodEnd <= hi,
      ];
      // Few settlements share an id prefix: sort them in memory below.
      return rest.length ? c.filter((s) => rest.every((f) => f(s))) : c;
    }
    if (q.accountId) {
      c = db.settlements
        .where('[accountId+periodEnd]')
        .between([q.accountId, lo], [q.accountId, hi], true, true)
        .reverse();
      if (q.status) rest.push((s) => s.status === q.status);
    } else if (q.status) {
      c = db.settlements
        .where('[status+periodEnd]')
        .between([q.status, lo], [q.status, hi], true, true)
        .reverse();
    } else if (q.from || q.to) {
      c = db.settlements.where('periodEnd').between(lo, hi, true, true).reverse();
    } else {
      c = db.settlements.orderBy('periodEnd').reverse();
    }
    return rest.length ? c.filter((s) => rest.every((f) => f(s))) : c;
  }

  async function counts(): Promise<Record<string, number>> {
    const n = await Promise.all(STATUSES.map((s) => db.settlements.where('status').equals(s).count()));
    return Object.fromEntries(STATUSES.map((s, i) => [s, n[i]!]));
  }

  async function retry(settlementKey: string) {
    const settlement = await db.settlements.get(settlementKey);
    if (!settlement) throw new AppError('not_found', t('errors.settlementGone'));
    const sends = await db.sends.where('settlementKey').equals(settlementKey).toArray();
    const again = sends.filter((s) => RETRYABLE.has(s.state));
    if (again.length === 0) {
      throw new AppError(
        settlement.status === 'needs_reconnect' ? 'needs_reconnect' : 'nothing_to_retry',
        settlement.status === 'needs_reconnect'
          ? t('errors.waitsForReconnect')
          : t('errors.nothingToRetry', {
              id: settlement.settlementId,
              status: statusWord(settlement.status),
            }),
      );
    }
    // Same idempotency keys: the relay re-checks Xero by invoice number before posting a
    // key that failed, so a retry can never add a second invoice.
    await db.transaction('rw', db.sends, async () => {
      for (const s of again) {
        await db.sends.update(s.seq!, {
          state: 'queued',
          jobId: undefined,
          nextAttemptAt: now(),
          lastError: undefined,
          payload: settlement.payloads[s.part] ?? s.payload,
        });
      }
    });
    await deps.outbox.updateSettlements([settlementKey]);
    deps.onChanged?.();
    void deps.outbox.drain();
    return deps.preview(settlementKey);
  }

  return {
    'history/list': async (q) => {
      const c = select(q);
      const isUnfiltered = !q.accountId && !q.status && !q.from && !q.to && !q.search;
      // Chromium's IndexedDB counts by walking the keys, so with no filter the total is the
      // sum of the per-status counts rather than a second walk over every settlement.
      const [total, page, statusCounts, accounts] = await Promise.all([
        isUnfiltered ? Promise.resolve(-1) : c.clone().count(),
        q.search
          ? c
              .toArray()
              .then((all) =>
                all
                  .sort((a, b) => (a.periodEnd < b.periodEnd ? 1 : a.periodEnd > b.periodEnd ? -1 : 0))
                  .slice(q.offset, q.offset + q.limit),
              )
          : c.clone().offset(q.offset).limit(q.limit).toArray(),
        counts(),
        db.accounts.toArray(),
      ]);
      const result: HistoryPage = {
        rows: await toRows(page),
        total: total >= 0 ? total : Object.values(statusCounts).reduce((a, b) => a + b, 0),
        counts: statusCounts,
        accounts: accounts
          .map((a) => ({ id: a.id, name: a.name, marketplace: a.marketplace }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
      return result;
    },
    'history/summary': async () => problemSummary(db),
    'history/send': async ({ settlementKey }) => {
      const view = await deps.send(settlementKey);
      deps.onChanged?.();
      return view;
    },
    'history/retry': async ({ settlementKey }) => retry(settlementKey),
    'history/notifications': async ({ enabled }) => {
      if (enabled !== undefined) await deps.notificationsEnabled.set(enabled);
      return { enabled: await deps.notificationsEnabled.get() };
    },
  };
}

// --- Problems outside the page: badge and notifications --------------------------------

export interface ProblemNotice {
  /** Stable per problem: the same problem is never announced twice. */
  key: string;
  title: string;
  message: string;
}

export interface ProblemDeps {
  db: SettlebridgeDb;
  setBadge: (text: string) => Promise<void>;
  notify: (notice: ProblemNotice) => Promise<void>;
  notificationsEnabled: PreferenceStore<boolean>;
  /** Problem keys already announced (kept across service worker restarts). */
  announced: PreferenceStore<string[]>;
}

/** The problems that need the user now, keyed so each is announced once. */
export async function currentProblems(db: SettlebridgeDb): Promise<ProblemNotice[]> {
  const [settlements, connections, accounts] = await Promise.all([
    db.settlements
      .where('status')
      .anyOf([...PROBLEM_STATUSES])
      .toArray(),
    db.xeroConnections.toArray(),
    db.accounts.toArray(),
  ]);
  const accountName = new Map(accounts.map((a) => [a.id, a.name]));
  const notices: ProblemNotice[] = [];
  const reconnect = new Map<string, string[]>();
  for (const c of connections) if (c.status === 'needs_reconnect') reconnect.set(c.id, []);
  for (const s of settlements) {
    const who = accountName.get(s.accountId) ?? t('notify.anAccount');
    if (s.status === 'needs_reconnect') {
      // One notice per connection, however many settlements wait for it.
      const connectionId =
        (await db.sends.where('settlementKey').equals(s.key).first())?.connectionId ??
        accounts.find((a) => a.id === s.accountId)?.xeroConnectionId ??
        `account ${s.accountId}`;
      reconnect.set(connectionId, [...(reconnect.get(connectionId) ?? []), s.settlementId]);
      continue;
    }
    notices.push({
      key: `settlement:${s.key}:${s.status}`,
      title:
        s.status === 'conflict'
          ? t('notify.conflictTitle', { id: s.settlementId })
          : t('notify.failedTitle', { id: s.settlementId }),
      message: t('notify.settlementMessage', {
        who,
        error:
          s.lastError ?? (s.status === 'conflict' ? t('notify.conflictDefault') : t('notify.failedDefault')),
      }),
    });
  }
  for (const [connectionId, waiting] of reconnect) {
    const organisation = connections.find((c) => c.id === connectionId)?.organisationName;
    notices.push({
      key: `connection:${connectionId}:needs_reconnect`,
      title: t('notify.reconnectTitle', { org: organisation ?? t('notify.anOrganisation') }),
      message: waiting.length ? tp('notify.reconnectWaiting', waiting.length) : t('notify.reconnectNone'),
    });
  }
  return notices;
}

export function createProblemWatch(deps: ProblemDeps) {
  let chain: Promise<void> = Promise.resolve();

  async function refresh() {
    const summary = await problemSummary(deps.db);
    await deps.setBadge(summary.total ? String(summary.total) : '');
    const problems = await currentProblems(deps.db);
    const announced = new Set(await deps.announced.get());
    const fresh = problems.filter((p) => !announced.has(p.key));
    // Remembered before announcing, so a crash mid-way cannot announce twice; a problem
    // that is gone is forgotten, so if it comes back it is news again.
    await deps.announced.set(problems.map((p) => p.key));
    if (fresh.length && (await deps.notificationsEnabled.get())) {
      for (const p of fresh) await deps.notify(p).catch(() => {});
    }
  }

  return {
    /** Recomputes the badge and announces new problems; calls never overlap. */
    refresh(): Promise<void> {
      chain = chain.then(refresh).catch((error: unknown) => {
        console.warn('settlebridge: problem check failed', error);
      });
      return chain;
    },
  };
}
