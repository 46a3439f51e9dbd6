/**
 * Books setup from the background: the organisation's books come from the relay (which
 * caches them), the setup is kept per Xero organisation as its mapping document
 * (`mappings` row `org:<tenantId>`, so accounts sharing an organisation share it), and
 * accounts are created in Xero only when the user asks.
 */

import { checkInvoiceAgainstBooks } from '../books/check';
import {
  accountsFor,
  type BooksSetup,
  GROUP_SPECS,
  type GroupChoice,
  LINE_GROUPS,
  type LineGroup,
  mappingFromSetup,
  missingGroups,
  planAmazonAccounts,
  suggestSetup,
  taxRatesFor,
  trackingFor,
} from '../books/setup';
import { withTracking } from '../books/tracking';
import { booksProblemText } from '../books-problem-text';
import type { SettlebridgeDb } from '../db';
import { AppError } from '../errors';
import { type MessageKey, t } from '../i18n';
import type { Handlers } from '../messages';
import type { Account, XeroConnection } from '../record-schemas';
import type { InvoicePayload, OrganisationBooks } from '../relay-api';
import { type RelayStep, relayStepFailed } from '../relay-error-text';
import { parseMapping, settle, toXeroPayload } from '../settlement';
import { settlementErrorText } from '../settlement-error-text';
import type { BooksLoadResult } from '../views';
import type { Clock } from './clock';
import type { RelayBooksPort } from './relay-port';

export const orgMappingId = (tenantId: string) => `org:${tenantId}`;
export const setupId = (tenantId: string) => `books-setup:${tenantId}`;

export interface BooksDeps {
  db: SettlebridgeDb;
  relay: () => Promise<RelayBooksPort>;
  clock: Clock;
}

type BooksHandlers = Pick<Handlers, 'books/load' | 'books/create-accounts' | 'books/save' | 'books/check'>;

export function createBooksHandlers(deps: BooksDeps): BooksHandlers {
  const { db } = deps;
  const now = () => deps.clock.now();

  async function connectionOf(accountId: string): Promise<{ account: Account; connection: XeroConnection }> {
    const account = await db.accounts.get(accountId);
    if (!account) throw new AppError('not_found', t('errors.accountGone'));
    const connection = account.xeroConnectionId
      ? await db.xeroConnections.get(account.xeroConnectionId)
      : undefined;
    if (!connection || connection.status === 'disconnected') {
      throw new AppError('not_connected', t('errors.notConnectedForBooks', { name: account.name }));
    }
    return { account, connection };
  }

  async function relayCall<T>(step: RelayStep, fn: (relay: RelayBooksPort) => Promise<T>): Promise<T> {
    try {
      return await fn(await deps.relay());
    } catch (error) {
      if (error instanceof AppError) throw error;
      const code =
        typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
          ? error.code
          : 'relay_error';
      throw new AppError(code, relayStepFailed(step, error));
    }
  }

  async function load(
    accountId: string,
    books?: OrganisationBooks,
    refresh = false,
  ): Promise<BooksLoadResult> {
    const { account, connection } = await connectionOf(accountId);
    const fresh =
      books ??
      (await relayCall('readBooks', (r) =>
        r.books({
          connectionId: connection.id,
          accountId: account.id,
          ...(refresh ? { refresh: true } : {}),
        }),
      ));
    const saved = (await db.mappings.get(setupId(connection.tenantId)))?.document as BooksSetup | undefined;
    const choices = saved?.groups ?? suggestSetup(fresh);
    return {
      organisationName: connection.organisationName,
      tenantId: connection.tenantId,
      books: fresh,
      choices,
      ...(trackingFor(saved, accountId) ? { tracking: trackingFor(saved, accountId) } : {}),
      isSaved: Boolean(saved),
      missing: missingGroups(choices),
      plan: planAmazonAccounts(fresh),
    };
  }

  return {
    'books/load': async ({ accountId, refresh }) => load(accountId, undefined, refresh),

    'books/check': async ({ settlementKey }) => {
      const settlement = await db.settlements.get(settlementKey);
      if (!settlement) throw new AppError('not_found', t('errors.settlementNotLoaded'));
      const { account, connection } = await connectionOf(settlement.accountId);
      const base = { organisationName: connection.organisationName, accountId: account.id };
      const queued = await db.sends.where('settlementKey').equals(settlementKey).sortBy('part');
      let payloads: InvoicePayload[];
      if (queued.length > 0) {
        payloads = queued.map((q) => q.payload as InvoicePayload);
      } else {
        const orgMapping = await db.mappings.get(orgMappingId(connection.tenantId));
        const parsed = orgMapping ? parseMapping(orgMapping.document) : undefined;
        if (!parsed?.ok) {
          return {
            ...base,
            lines: [],
            problems: [
              {
                invoiceNumber: '',
                reason: 'books_setup_needed',
                message: t('confirm.booksSetupNeeded', { org: connection.organisationName }),
              },
            ],
          };
        }
        const result = await settle(settlement.source, { mapping: parsed.value });
        if (!result.ok) throw new AppError('invalid_settlement', settlementErrorText(result.error));
        const tracking = trackingFor(
          (await db.mappings.get(setupId(connection.tenantId)))?.document as BooksSetup | undefined,
          account.id,
        );
        payloads = result.value.invoices.invoices.map((i) => {
          const p = toXeroPayload(i) as InvoicePayload;
          return tracking ? withTracking(p, tracking) : p;
        });
      }
      const books = await relayCall('readBooks', (r) =>
        r.books({ connectionId: connection.id, accountId: account.id }),
      );
      const names = new Map(books.accounts.map((a) => [a.code.toLowerCase(), a.name]));
      return {
        ...base,
        lines: payloads.flatMap((p) =>
          p.LineItems.map((l) => ({
            invoiceNumber: p.InvoiceNumber,
            description: l.Description,
            accountCode: l.AccountCode,
            ...(names.has(l.AccountCode.toLowerCase())
              ? { accountName: names.get(l.AccountCode.toLowerCase()) }
              : {}),
            taxType: l.TaxType,
            amount: l.UnitAmount,
          })),
        ),
        problems: payloads.flatMap((p) =>
          checkInvoiceAgainstBooks(p, books).map((problem) => ({
            invoiceNumber: p.InvoiceNumber,
            reason: problem.reason,
            message: booksProblemText(problem),
          })),
        ),
      };
    },

    'books/create-accounts': async ({ accountId, accounts }) => {
      const { account, connection } = await connectionOf(accountId);
      const result = await relayCall('createAccounts', (r) =>
        r.createAccounts({ connectionId: connection.id, accountId: account.id, accounts }),
      );
      return { ...(await load(accountId, result.books)), failed: result.failed };
    },

    'books/save': async ({ accountId, groups, tracking }) => {
      const { account, connection } = await connectionOf(accountId);
      const books = await relayCall('readBooks', (r) =>
        r.books({ connectionId: connection.id, accountId: account.id }),
      );
      const problems: string[] = [];
      for (const group of LINE_GROUPS) {
        const choice = groups[group];
        const label = t(`books.group.${group}` as MessageKey);
        if (!choice) {
          problems.push(t('books.saveProblem.chooseAccount', { group: label }));
          continue;
        }
        const target = accountsFor(books, group).find((a) => a.code === choice.accountCode);
        if (!target) {
          problems.push(
            t('books.saveProblem.accountInactive', {
              group: label,
              accountCode: choice.accountCode,
              classes: GROUP_SPECS[group].classes
                .map((c) => t(`booksProblem.class.${c}` as MessageKey))
                .join('/'),
              org: connection.organisationName,
            }),
          );
          continue;
        }
        if (!taxRatesFor(books, target).some((t) => t.taxType === choice.taxType)) {
          problems.push(
            t('books.saveProblem.taxRate', {
              group: label,
              taxType: choice.taxType,
              account: `${target.code} · ${target.name}`,
            }),
          );
        }
      }
      if (tracking) {
        const category = books.trackingCategories.find((c) => c.name === tracking.category);
        if (!category?.options.some((o) => o.name === tracking.option)) {
          problems.push(
            t('books.saveProblem.tracking', { category: tracking.category, option: tracking.option }),
          );
        }
      }
      if (problems.length) {
        throw new AppError(
          'books_setup_invalid',
          t('errors.booksNotSaved', { problems: problems.join(' ') }),
        );
      }
      // Tracking belongs to this Amazon account; other accounts sharing the organisation keep theirs.
      const previous = (await db.mappings.get(setupId(connection.tenantId)))?.document as
        | BooksSetup
        | undefined;
      const trackingByAccount = { ...previous?.trackingByAccount };
      if (tracking) trackingByAccount[account.id] = tracking;
      else delete trackingByAccount[account.id];
      const setup: BooksSetup = {
        groups: groups as Record<LineGroup, GroupChoice>,
        ...(Object.keys(trackingByAccount).length ? { trackingByAccount } : {}),
      };
      const name = connection.organisationName.slice(0, 100);
      await db.transaction('rw', db.mappings, async () => {
        await db.mappings.put({ id: setupId(connection.tenantId), name, document: setup, updatedAt: now() });
        await db.mappings.put({
          id: orgMappingId(connection.tenantId),
          name,
          document: mappingFromSetup(setup),
          updatedAt: now(),
        });
      });
      return { organisationName: connection.organisationName, tenantId: connection.tenantId };
    },
  };
}
