// Privileged actions only from extension-owned surfaces (lib/messages.ts header): through the
// real dispatcher and settlement handlers, a Seller Central content script can ingest what
// the page offered and ask for the confirmation window, but cannot send or remap; the
// extension's confirmation page sends, once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAccountHandlers } from '../../lib/background/accounts';
import { orgMappingId } from '../../lib/background/books';
import { createMappingHandlers } from '../../lib/background/mapping';
import { createOutbox } from '../../lib/background/outbox';
import { createSettlementHandlers } from '../../lib/background/settlements';
import { SettlebridgeDb } from '../../lib/db';
import { dispatch, type Handlers, protocol, type Reply } from '../../lib/messages';
import type { Account } from '../../lib/record-schemas';
import { DEFAULT_MAPPING_DOCUMENT } from '../../lib/settlement';
import type { SettlementView } from '../../lib/views';
import { noSellerCentral } from './background/no-seller-central';

const self = { id: 'settlebridge-id', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' };
const contentScript = {
  id: self.id,
  url: 'https://sellercentral.amazon.com/payments/statements',
  tab: { id: 7 },
  frameId: 0,
};
// The confirmation window is an extension page in its own tab.
const confirmPage = { id: self.id, url: `${self.origin}confirm.html#x`, tab: { id: 99 }, frameId: 0 };
const fixture = readFileSync(join(import.meta.dirname, '../fixtures/settlements/us.tsv'), 'utf8');

describe('privileged settlement actions', () => {
  let db: SettlebridgeDb;
  let account: Account;
  let opened: string[][];
  let handlers: ReturnType<typeof createSettlementHandlers> & ReturnType<typeof createMappingHandlers>;
  // dispatch takes every handler; the ones this test does not wire refuse.
  const unwired = Object.fromEntries(
    Object.keys(protocol).map((type) => [
      type,
      async () => {
        throw new Error(`${type} is not wired in this test`);
      },
    ]),
  ) as unknown as Handlers;
  const call = (type: string, input: unknown, sender: object) =>
    dispatch({ ...unwired, ...handlers }, { type, input }, sender, self) as Promise<Reply<unknown>>;

  beforeEach(async () => {
    db = new SettlebridgeDb(`test-${crypto.randomUUID()}`);
    const clock = { now: () => 1_700_000_000_000 };
    const outbox = createOutbox({
      db,
      relay: async () => {
        throw new Error('offline in this test');
      },
      clock,
    });
    account = await createAccountHandlers({ db, clock, sellerCentral: noSellerCentral })['account/create'](
      { name: 'Acme US', marketplace: 'US' },
      {
        sender: {},
      },
    );
    await db.xeroConnections.put({
      id: 'c1',
      tenantId: 't1',
      organisationName: 'Org',
      status: 'connected',
      updatedAt: 0,
    });
    await db.accounts.update(account.id, { xeroConnectionId: 'c1' });
    // The organisation's saved Books setup: sends need one (the CLI default document stands in).
    await db.mappings.put({
      id: orgMappingId('t1'),
      name: 'Org',
      document: DEFAULT_MAPPING_DOCUMENT,
      updatedAt: 0,
    });
    opened = [];
    const accountForTab = async (tabId: number | undefined) =>
      tabId === 7 ? ((await db.accounts.get(account.id)) as Account) : undefined;
    handlers = {
      ...createSettlementHandlers({
        db,
        outbox,
        clock,
        accountForTab,
        openConfirm: async (keys) => {
          opened.push(keys);
        },
      }),
      ...createMappingHandlers({ db, clock, accountForTab }),
    };
  });

  async function ingestFromPage(): Promise<SettlementView> {
    const reply = await call(
      'settlement/ingest',
      { settlementId: '18004731211', text: fixture },
      contentScript,
    );
    expect(reply).toMatchObject({ ok: true });
    return (reply as { value: SettlementView }).value;
  }

  it('refuses a send from the content script and queues nothing', async () => {
    const view = await ingestFromPage();
    const reply = await call('settlement/send', { settlementKey: view.settlementKey }, contentScript);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await db.sends.count()).toBe(0);
    expect((await db.settlements.get(view.settlementKey))?.status).toBe('new');
  });

  it('refuses a mapping change from the content script and leaves the mapping as it was', async () => {
    const view = await ingestFromPage();
    const before = await db.mappings.toArray();
    const reply = await call(
      'mapping/set-account',
      { settlementKey: view.settlementKey, key: 'Order/ItemPrice/Principal', accountCode: '999' },
      contentScript,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await db.mappings.toArray()).toEqual(before);
  });

  it('lets the content script only open the confirmation window, which then sends once', async () => {
    const view = await ingestFromPage();
    const asked = await call('settlement/confirm', { settlementKeys: [view.settlementKey] }, contentScript);
    expect(asked).toEqual({ ok: true, value: { opened: true } });
    expect(opened).toEqual([[view.settlementKey]]);
    expect(await db.sends.count()).toBe(0); // asking is not sending

    // The user presses Send in the extension's window (twice, as impatient users do).
    const sent = await call('settlement/send', { settlementKey: view.settlementKey }, confirmPage);
    const again = await call('settlement/send', { settlementKey: view.settlementKey }, confirmPage);
    expect(sent.ok && again.ok).toBe(true);
    const settlement = await db.settlements.get(view.settlementKey);
    expect(await db.sends.count()).toBe(settlement!.payloads.length);
    expect(settlement!.status).toBe('queued');
  });

  it('refuses a confirmation request for a settlement of another account than the page shows', async () => {
    const reply = await call('settlement/confirm', { settlementKeys: ['someone-else:123'] }, contentScript);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(opened).toEqual([]);
  });
});
