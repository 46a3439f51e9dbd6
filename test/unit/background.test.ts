import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import background from '../../entrypoints/background';
import { getDb } from '../../lib/db';
import { dispatch, type Handlers, type Reply } from '../../lib/messages';

// Drives the real background wiring through the fake browser's onMessage, with senders
// built the way Chrome fills them in.
const origin = () => fakeBrowser.runtime.getURL('/');
const popupSender = () => ({ id: fakeBrowser.runtime.id, url: `${origin()}popup.html` });
const contentSender = (url = 'https://sellercentral.amazon.com/home') => ({
  id: fakeBrowser.runtime.id,
  url,
  tab: { id: 7 },
  frameId: 0,
});

async function trigger(message: unknown, sender: object): Promise<Reply<unknown> | undefined> {
  const replies = await fakeBrowser.runtime.onMessage.trigger(message, sender as never);
  return replies.find((r) => r !== undefined) as Reply<unknown> | undefined;
}

const create = { type: 'account/create', input: { name: 'Acme US', marketplace: 'US' } };

describe('background message listener', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  beforeEach(async () => {
    // The background drains its outbox on start; no relay exists here, and none is reached.
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    fakeBrowser.reset();
    await getDb().delete();
    await getDb().open();
    background.main();
  });

  it('creates an account when the popup asks', async () => {
    const reply = await trigger(create, popupSender());
    expect(reply).toMatchObject({ ok: true, value: { name: 'Acme US', marketplace: 'US', currency: 'USD' } });
    expect(await getDb().accounts.count()).toBe(1);
  });

  it('exports a backup that passes its own schema on the way out', async () => {
    await trigger(create, popupSender());
    const reply = await trigger({ type: 'backup/export', input: {} }, popupSender());
    expect(reply).toMatchObject({
      ok: true,
      value: { format: 'settlebridge-backup', version: 1, accounts: [{ name: 'Acme US' }] },
    });
  });

  it('refuses a damaged stored row with an error naming its table and key', async () => {
    const created = await trigger(create, popupSender());
    const id = (created as { value: { id: string } }).value.id;
    // A record damaged behind the background's back: reading it fails at the database.
    await getDb().accounts.toCollection().modify({ currency: 'dollars' });
    const reply = await trigger({ type: 'account/list', input: {} }, popupSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'stored_row_invalid' } });
    const { message } = (reply as { error: { message: string } }).error;
    expect(message).toContain('accounts');
    expect(message).toContain(id);
  });

  it('refuses to answer outside the output schema, naming the message', async () => {
    const handlers = { 'account/list': async () => [{ name: 'no id' }] } as unknown as Handlers;
    const self = { id: fakeBrowser.runtime.id, origin: origin() };
    const reply = await dispatch(handlers, { type: 'account/list', input: {} }, popupSender(), self);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_output' } });
    expect((reply as { error: { message: string } }).error.message).toContain('account/list');
  });

  it('refuses a popup-only message sent from a Seller Central tab and writes nothing', async () => {
    const reply = await trigger(create, contentSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await getDb().accounts.count()).toBe(0);
  });

  it.each(['history/send', 'history/retry'])(
    'refuses %s from a Seller Central tab: only the Settlements page may send or retry from there',
    async (type) => {
      const reply = await trigger({ type, input: { settlementKey: 'x:1' } }, contentSender());
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
      expect(await getDb().sends.count()).toBe(0);
    },
  );

  it('answers the Settlements page with an honest empty list', async () => {
    const reply = await trigger({ type: 'history/list', input: {} }, popupSender());
    expect(reply).toMatchObject({ ok: true, value: { rows: [], total: 0, accounts: [] } });
  });

  it('accepts an extension page opened in a tab, since its origin is the extension', async () => {
    const reply = await trigger(create, { ...popupSender(), tab: { id: 3 }, frameId: 0 });
    expect(reply).toMatchObject({ ok: true });
  });

  it('ignores messages from other extensions without replying', async () => {
    const reply = await trigger(create, { id: 'another-extension', url: 'chrome-extension://other/x.html' });
    expect(reply).toBeUndefined();
    expect(await getDb().accounts.count()).toBe(0);
  });

  it('refuses a page report from a tab that is not Seller Central', async () => {
    const reply = await trigger(
      { type: 'page/report', input: { host: 'evil.example', recognised: true } },
      contentSender('https://evil.example/'),
    );
    expect(reply).toBeUndefined();
  });

  it('refuses a page report from a sub-frame of Seller Central', async () => {
    const reply = await trigger(
      { type: 'page/report', input: { host: 'sellercentral.amazon.com', recognised: true } },
      { ...contentSender(), frameId: 4 },
    );
    expect(reply).toBeUndefined();
  });

  it('says which field is wrong when the input fails its schema, and writes nothing', async () => {
    const reply = await trigger(
      { type: 'account/create', input: { name: '  ', marketplace: 'US' } },
      popupSender(),
    );
    expect(reply).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'Give the account a name. (at name)' },
    });
    expect(await getDb().accounts.count()).toBe(0);
  });

  it('refuses an unknown marketplace', async () => {
    const reply = await trigger(
      { type: 'account/create', input: { name: 'X', marketplace: 'XX' } },
      popupSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('refuses an unknown message type', async () => {
    const reply = await trigger({ type: 'account/delete-everything', input: {} }, popupSender());
    expect(reply).toMatchObject({ ok: false, error: { code: 'unknown_message' } });
  });

  it('refuses a second account with the same name in the same marketplace', async () => {
    await trigger(create, popupSender());
    const reply = await trigger(
      { type: 'account/create', input: { name: 'acme us', marketplace: 'US' } },
      popupSender(),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'duplicate_account' } });
    expect(await getDb().accounts.count()).toBe(1);
  });

  it('remembers what a Seller Central tab reported and gives it to the popup', async () => {
    await trigger(
      {
        type: 'page/report',
        input: {
          host: 'sellercentral.amazon.com',
          recognised: true,
          accountName: 'Acme',
          marketplaceName: 'United States',
        },
      },
      contentSender(),
    );
    const reply = await trigger({ type: 'page/current', input: {} }, popupSender());
    expect(reply).toMatchObject({ ok: true, value: { context: { accountName: 'Acme', recognised: true } } });
  });
});
