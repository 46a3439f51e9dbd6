/**
 * Settlements in the background: a V2 flat file in (from the Seller Central page or the
 * options page), a preview out, and on Send the intent written to the outbox.
 */

import { type BooksSetup, trackingFor } from '../books/setup';
import { reportWithTracking, withTracking } from '../books/tracking';
import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { t } from '../i18n';
import type { HandlerContext, Handlers } from '../messages';
import type { Account, Settlement } from '../record-schemas';
import type { InvoicePayload } from '../relay-api';
import {
  DEFAULT_MAPPING_DOCUMENT,
  parseMapping,
  type SettlementMapping,
  type SettlementReport,
  settle,
  toReport,
  toXeroPayload,
} from '../settlement';
import { settlementErrorText } from '../settlement-error-text';
import type { SettlementView } from '../views';
import { orgMappingId, setupId } from './books';
import type { Clock } from './clock';
import { type Outbox, sendKey } from './outbox';

export const MAPPING_ID = 'default';

type SettlementHandlers = Pick<
  Handlers,
  | 'settlement/ingest'
  | 'settlement/import'
  | 'settlement/preview'
  | 'settlement/states'
  | 'settlement/send'
  | 'settlement/confirm'
  | 'settlement/progress'
>;

export interface SettlementDeps {
  db: SettlebridgeDb;
  outbox: Outbox;
  /** The account shown in a Seller Central tab, as lib/match-account decides it. */
  accountForTab: (tabId: number | undefined) => Promise<Account | undefined>;
  /** Seconds the relay expects the outstanding sends to take, when it has said. */
  estimateSeconds?: () => Promise<number | undefined>;
  /** Opens the extension's confirmation window for these settlements (lib/messages.ts header). */
  openConfirm?: (settlementKeys: string[]) => Promise<void>;
  clock: Clock;
}

/**
 * What the `settlement/*` and `mapping/*` handlers share: building a settlement's invoices
 * with a mapping, the view of a stored settlement, and which account a message speaks for.
 */
export function createSettlementCore(deps: Pick<SettlementDeps, 'db' | 'accountForTab'>) {
  const { db } = deps;

  /** Preview only: shows a settlement before Books setup exists; sending needs the organisation's. */
  async function previewMapping(account: Account): Promise<SettlementMapping> {
    const connection = account.xeroConnectionId
      ? await db.xeroConnections.get(account.xeroConnectionId)
      : undefined;
    const org = connection ? await db.mappings.get(orgMappingId(connection.tenantId)) : undefined;
    if (org) {
      const parsed = parseMapping(org.document);
      if (parsed.ok) return parsed.value;
    }
    return mapping();
  }

  async function mapping(): Promise<SettlementMapping> {
    const stored = await db.mappings.get(MAPPING_ID);
    const parsed = parseMapping(stored?.document ?? DEFAULT_MAPPING_DOCUMENT);
    if (!parsed.ok)
      throw new AppError('invalid_mapping', t('errors.mappingInvalid', { problem: parsed.error.message }));
    return parsed.value;
  }

  /** Without a mapping: the preview's, the organisation's Books setup when saved, else the CLI default. */
  async function build(source: string, account: Account, withMapping?: SettlementMapping) {
    const result = await settle(source, { mapping: withMapping ?? (await previewMapping(account)) });
    if (!result.ok) throw new AppError('invalid_settlement', settlementErrorText(result.error));
    const { summary, invoices } = result.value;
    if (summary.header.currency !== account.currency) {
      throw new AppError(
        'currency_mismatch',
        t('errors.currencyMismatch', {
          currency: summary.header.currency,
          name: account.name,
          accountCurrency: account.currency,
        }),
      );
    }
    return { report: toReport(summary, invoices), payloads: invoices.invoices.map(toXeroPayload) };
  }

  async function view(key: string): Promise<SettlementView> {
    const settlement = await db.settlements.get(key);
    if (!settlement) throw new AppError('not_found', t('errors.settlementNotLoaded'));
    const account = await db.accounts.get(settlement.accountId);
    const connection = account?.xeroConnectionId
      ? await db.xeroConnections.get(account.xeroConnectionId)
      : undefined;
    const sends = await db.sends.where('settlementKey').equals(key).sortBy('part');
    return {
      settlementKey: key,
      settlementId: settlement.settlementId,
      accountName: account?.name ?? t('history.unknownAccount'),
      currency: settlement.currency,
      status: settlement.status,
      report: settlement.report as SettlementReport,
      organisationName: connection?.organisationName ?? null,
      connectionStatus: connection?.status ?? null,
      parts: sends.map((s) => ({
        invoiceNumber: s.invoiceNumber,
        state: s.state,
        ...(s.xeroUrl ? { xeroUrl: s.xeroUrl } : {}),
        ...(s.lastError ? { error: s.lastError } : {}),
      })),
      ...(settlement.lastError ? { lastError: settlement.lastError } : {}),
    };
  }

  async function accountFor(ctx: HandlerContext, accountId?: string): Promise<Account> {
    const account = accountId ? await db.accounts.get(accountId) : await deps.accountForTab(ctx.tabId);
    if (!account) {
      throw new AppError('no_account', t('errors.noAccount'));
    }
    return account;
  }

  /** Content scripts may only touch settlements of the account their tab shows. */
  async function checkTab(ctx: HandlerContext, key: string) {
    if (ctx.tabId === undefined) return;
    const account = await deps.accountForTab(ctx.tabId);
    if (!account || !key.startsWith(`${account.id}:`)) {
      throw new AppError('forbidden', t('errors.forbidden'));
    }
  }

  return { build, view, accountFor, checkTab };
}

export function createSettlementHandlers(deps: SettlementDeps): SettlementHandlers {
  const { db, outbox } = deps;
  const now = () => deps.clock.now();
  const { build, view, accountFor, checkTab } = createSettlementCore(deps);

  async function ingest(
    account: Account,
    text: string,
    expectedId?: string,
    referenceId?: string,
  ): Promise<SettlementView> {
    const built = await build(text, account);
    const { report } = built;
    if (expectedId && report.settlementId !== expectedId) {
      throw new AppError(
        'wrong_file',
        t('errors.wrongFile', { id: report.settlementId, expected: expectedId }),
      );
    }
    const key = `${account.id}:${report.settlementId}`;
    await db.transaction('rw', db.settlements, db.sends, async () => {
      const existing = await db.settlements.get(key);
      // Once an intent to send exists, what was previewed and sent stays as it was.
      if (existing && (await db.sends.where('settlementKey').equals(key).count()) > 0) return;
      await db.settlements.put({
        key,
        accountId: account.id,
        settlementId: report.settlementId,
        ...(referenceId
          ? { referenceId }
          : existing?.referenceId
            ? { referenceId: existing.referenceId }
            : {}),
        currency: report.currency,
        depositTotalMinor: report.depositTotal.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1'),
        periodStart: report.periodStart,
        periodEnd: report.periodEnd,
        depositDate: report.depositDate,
        status: 'new',
        report,
        payloads: built.payloads,
        source: text,
        updatedAt: now(),
      });
    });
    return view(key);
  }

  return {
    'settlement/ingest': async ({ settlementId, referenceId, text }, ctx) =>
      ingest(await accountFor(ctx), text, settlementId, referenceId),

    'settlement/import': async ({ accountId, text }, ctx) => ingest(await accountFor(ctx, accountId), text),

    'settlement/preview': async ({ settlementKey }, ctx) => {
      await checkTab(ctx, settlementKey);
      return view(settlementKey);
    },

    'settlement/states': async ({ settlementIds, referenceIds }, ctx) => {
      const account = await deps.accountForTab(ctx.tabId);
      if (!account) return { accountName: null, states: {} };
      const stateOf = async (settlement: Settlement) => {
        const sends = await db.sends.where('settlementKey').equals(settlement.key).toArray();
        const url = sends.find((s) => s.xeroUrl)?.xeroUrl;
        return {
          status: settlement.status,
          settlementKey: settlement.key,
          ...(url ? { xeroUrl: url } : {}),
          ...(settlement.lastError ? { error: settlement.lastError } : {}),
        };
      };
      const states: Record<string, Awaited<ReturnType<typeof stateOf>>> = {};
      for (const id of settlementIds) {
        const settlement = await db.settlements.get(`${account.id}:${id}`);
        if (settlement) states[id] = await stateOf(settlement);
      }
      const byReference: typeof states = {};
      if (referenceIds && referenceIds.length > 0) {
        const wanted = new Set(referenceIds);
        const found = await db.settlements.where('referenceId').anyOf(referenceIds).toArray();
        for (const settlement of found) {
          if (
            settlement.accountId !== account.id ||
            !settlement.referenceId ||
            !wanted.has(settlement.referenceId)
          )
            continue;
          byReference[settlement.referenceId] = await stateOf(settlement);
        }
      }
      return { accountName: account.name, states, byReference };
    },

    'settlement/send': async ({ settlementKey }, ctx) => {
      await checkTab(ctx, settlementKey);
      const settlement = await db.settlements.get(settlementKey);
      if (!settlement) throw new AppError('not_found', t('errors.settlementNotLoaded'));
      const account = await db.accounts.get(settlement.accountId);
      const connection = account?.xeroConnectionId
        ? await db.xeroConnections.get(account.xeroConnectionId)
        : undefined;
      if (!account || !connection || connection.status === 'disconnected') {
        throw new AppError(
          'not_connected',
          t('errors.notConnectedForBooks', { name: account?.name ?? t('errors.thisAccount') }),
        );
      }
      if (connection.status === 'needs_reconnect') {
        throw new AppError(
          'needs_reconnect',
          t('errors.connectionRefused', { org: connection.organisationName }),
        );
      }
      // Sends post with the organisation's own Books setup, never a global default: a line
      // must not land in another chart's account that happens to share a code.
      const orgMapping = await db.mappings.get(orgMappingId(connection.tenantId));
      if (!orgMapping) {
        throw new AppError(
          'books_setup_needed',
          t('errors.booksSetupNeeded', { org: connection.organisationName }),
        );
      }
      const alreadyQueued = (await db.sends.where('settlementKey').equals(settlementKey).count()) > 0;
      if (!alreadyQueued) {
        const parsed = parseMapping(orgMapping.document);
        if (!parsed.ok) {
          throw new AppError(
            'invalid_mapping',
            t('errors.booksSetupInvalid', {
              org: connection.organisationName,
              problem: parsed.error.message,
            }),
          );
        }
        const rebuilt = await build(settlement.source, account, parsed.value);
        // This Amazon account's tracking option (Books setup) goes on every line it posts.
        const setup = (await db.mappings.get(setupId(connection.tenantId)))?.document as
          | BooksSetup
          | undefined;
        const tracking = trackingFor(setup, account.id);
        if (tracking) {
          rebuilt.payloads = rebuilt.payloads.map((p) => withTracking(p as InvoicePayload, tracking));
          rebuilt.report = reportWithTracking(rebuilt.report as SettlementReport, tracking);
        }
        settlement.payloads = rebuilt.payloads;
        settlement.report = rebuilt.report;
        await db.settlements.update(settlementKey, {
          payloads: rebuilt.payloads,
          report: rebuilt.report,
          updatedAt: now(),
        });
      }
      const report = settlement.report as SettlementReport;
      if (settlement.payloads.length === 0) {
        throw new AppError('nothing_to_send', t('errors.nothingToSend', { id: settlement.settlementId }));
      }
      // Written before any network call, in one strict transaction; the unique key makes a
      // second click or a second tab a no-op rather than a second invoice.
      await db.transaction('rw', db.sends, db.settlements, async () => {
        for (const [part, payload] of settlement.payloads.entries()) {
          const idempotencyKey = sendKey(account.id, settlement.settlementId, part);
          if (await db.sends.where('idempotencyKey').equals(idempotencyKey).count()) continue;
          await db.sends.add({
            idempotencyKey,
            accountId: account.id,
            settlementKey,
            part,
            state: 'queued',
            connectionId: connection.id,
            invoiceNumber: report.invoices[part]?.number ?? '',
            payload,
            attempts: 0,
            nextAttemptAt: now(),
            createdAt: now(),
          });
        }
        const states = (await db.sends.where('settlementKey').equals(settlementKey).toArray()).map(
          (s) => s.state,
        );
        if (states.every((s) => s === 'queued'))
          await db.settlements.update(settlementKey, { status: 'queued', updatedAt: now() });
      });
      void outbox.drain();
      return view(settlementKey);
    },

    'settlement/confirm': async ({ settlementKeys }, ctx) => {
      for (const key of settlementKeys) {
        await checkTab(ctx, key);
        if (!(await db.settlements.get(key)))
          throw new AppError('not_found', t('errors.settlementNotLoaded'));
      }
      if (!deps.openConfirm) throw new AppError('unavailable', t('errors.unavailable'));
      await deps.openConfirm(settlementKeys);
      return { opened: true as const };
    },

    'settlement/progress': async ({ settlementKeys }, ctx) => {
      for (const key of settlementKeys) await checkTab(ctx, key);
      const counts = { queued: 0, sending: 0, sent: 0, failed: 0, parked: 0, conflict: 0 };
      for (const key of settlementKeys) {
        for (const s of await db.sends.where('settlementKey').equals(key).toArray()) {
          // A conflict needs the user just as a failure does.
          counts[s.state === 'conflict' ? 'failed' : s.state] += 1;
        }
      }
      return { counts, estimateSeconds: (await deps.estimateSeconds?.()) ?? null };
    },
  };
}
