import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Mounted, startStatements } from '../../../lib/features/statements';

// The in-page feature as one tree, under happy-dom: a legacy statements table in the test's
// document, mount points as open shadow roots (the extension's are closed), and a fake
// background answering the feature's messages.

const PAGE = new URL('https://sellercentral.amazon.com/payments/past-settlements');
const link = (ref: string) =>
  `<a href="/payments/reports/download?referenceId=${ref}&amp;contentType=text/xls&amp;fileName=${ref}.txt">Download</a>`;

/** A click as the user makes it: the feature ignores events a script dispatched. */
function userClick(el: Element | null | undefined) {
  if (!el) throw new Error('nothing to click');
  const e = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(e, 'isTrusted', { value: true });
  el.dispatchEvent(e);
}

interface Mount extends Mounted {
  name: string;
  host: HTMLElement;
  removed: boolean;
}

let controller: AbortController;
let mounts: Mount[];
let states: Record<string, { status: string; settlementKey: string; xeroUrl?: string }>;
let accountName: string | null;
let sent: { type: string; input: Record<string, unknown> }[];
let fetchFile: ReturnType<typeof vi.fn<(href: string) => Promise<string>>>;

const send = vi.fn(async (m: unknown) => {
  const { type, input } = m as { type: string; input: Record<string, unknown> };
  sent.push({ type, input });
  switch (type) {
    case 'settlement/states':
      return { ok: true, value: { accountName, states: {}, byReference: states } };
    case 'settlement/ingest': {
      const ref = String(input.referenceId);
      return { ok: true, value: { status: 'new', settlementKey: `ACME:${ref}0`, settlementId: `${ref}0` } };
    }
    case 'settlement/confirm':
      return { ok: true, value: { opened: true } };
    default:
      return { ok: false, error: { code: 'unexpected', message: type } };
  }
});

async function start(html: string) {
  document.body.innerHTML = html;
  await startStatements({
    doc: document,
    url: PAGE,
    send,
    fetchFile,
    signal: controller.signal,
    mount: async (name, anchor, where = 'after') => {
      const host = document.createElement(name);
      const container = document.createElement('div');
      host.attachShadow({ mode: 'open' }).append(container);
      if (!anchor) document.body.append(host);
      else if (where === 'after') anchor.after(host);
      else anchor.before(host);
      const m: Mount = {
        name,
        host,
        container,
        removed: false,
        remove: () => {
          m.removed = true;
          host.remove();
        },
      };
      mounts.push(m);
      return m;
    },
  });
}

const live = (name: string) => mounts.filter((m) => m.name === name && !m.removed);
const controlFor = (ref: string) =>
  live('settlebridge-settlement')
    .map((m) => m.container.querySelector(`[data-reference-id="${ref}"]`))
    .find(Boolean);
const bar = () => live('settlebridge-bar')[0]?.container.querySelector('[data-testid="sb-bar"]');

const TABLE = `<table id="financialEventGroupList"><tbody>
  <tr><td>Jun</td><td>${link('111')}</td></tr>
  <tr><td>Jul</td><td>${link('222')}</td></tr>
  <tr><td>Aug</td><td><button type="button">Request Report</button></td></tr>
</tbody></table>`;

beforeEach(() => {
  controller = new AbortController();
  mounts = [];
  sent = [];
  accountName = 'Acme US';
  states = { '222': { status: 'sent', settlementKey: 'ACME:2220', xeroUrl: 'https://go.xero.com/x' } };
  fetchFile = vi.fn(async (href: string) => `file of ${href}`);
  send.mockClear();
});

afterEach(() => {
  controller.abort();
  document.body.innerHTML = '';
});

describe('the statements feature', () => {
  it('puts a control after each downloadable row, a hint after a Request Report row and one bar above the table', async () => {
    await start(TABLE);
    await vi.waitFor(() => expect(controlFor('222')?.getAttribute('data-status')).toBe('sent'));
    expect(live('settlebridge-settlement')).toHaveLength(2);
    expect(live('settlebridge-hint')).toHaveLength(1);
    expect(live('settlebridge-bar')).toHaveLength(1);
    // Each control sits right after its row's own download link; the bar before the table.
    for (const m of live('settlebridge-settlement'))
      expect(m.host.previousElementSibling?.localName).toBe('a');
    expect(live('settlebridge-bar')[0]?.host.nextElementSibling?.id).toBe('financialEventGroupList');
    expect(controlFor('111')?.getAttribute('data-status')).toBe('new');
    expect(controlFor('111')?.querySelector('button')?.textContent).toBe('Send to Xero');
    expect(controlFor('222')?.querySelector('a')?.getAttribute('href')).toBe('https://go.xero.com/x');
    expect(controlFor('222')?.querySelector('button')).toBeNull();
    expect(
      live('settlebridge-hint')[0]?.container.querySelector('[data-testid="sb-request-hint"]'),
    ).not.toBeNull();
    expect(bar()?.textContent).toContain('Settlebridge · Acme US');
    expect(bar()?.querySelector('button')?.textContent).toContain('1');
    // One question to the background for the rows found, not one per row.
    expect(sent.filter((s) => s.type === 'settlement/states')).toHaveLength(1);
    expect(sent[0]?.input).toEqual({ settlementIds: [], referenceIds: ['111', '222'] });
  });

  it('shows no row controls for a seller account Settlebridge does not know, and says so in the bar', async () => {
    accountName = null;
    await start(TABLE);
    await vi.waitFor(() => expect(bar()?.textContent).toContain('not linked'));
    for (const m of [...live('settlebridge-settlement'), ...live('settlebridge-hint')])
      expect(m.container.childElementCount).toBe(0);
  });

  it('shows a row as preparing while its file is read, ignores a second click, then asks for the confirmation window', async () => {
    let release!: (text: string) => void;
    fetchFile.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
    await start(TABLE);
    await vi.waitFor(() => expect(controlFor('111')?.querySelector('button')).not.toBeNull());
    // A double click: the second arrives before the button is shown disabled.
    userClick(controlFor('111')?.querySelector('button'));
    userClick(controlFor('111')?.querySelector('button'));
    await vi.waitFor(() => expect(controlFor('111')?.querySelector('button')?.disabled).toBe(true));
    expect(controlFor('111')?.querySelector('button')?.textContent).toBe('Preparing…');
    expect(fetchFile).toHaveBeenCalledTimes(1);
    release('the file');
    await vi.waitFor(() =>
      expect(sent.find((s) => s.type === 'settlement/confirm')?.input).toEqual({
        settlementKeys: ['ACME:1110'],
      }),
    );
    expect(sent.find((s) => s.type === 'settlement/ingest')?.input).toEqual({
      referenceId: '111',
      text: 'the file',
    });
    await vi.waitFor(() => expect(controlFor('111')?.querySelector('button')?.disabled).toBe(false));
    expect(controlFor('111')?.getAttribute('data-settlement-id')).toBe('1110');
  });

  it('ignores a click a script dispatched', async () => {
    await start(TABLE);
    await vi.waitFor(() => expect(controlFor('111')?.querySelector('button')).not.toBeNull());
    controlFor('111')?.querySelector('button')?.click();
    (bar()?.querySelector('button') as HTMLButtonElement | null)?.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(fetchFile).not.toHaveBeenCalled();
  });

  it('shows why a file could not be read, and keeps showing it when the states are read again', async () => {
    fetchFile.mockRejectedValueOnce(new Error('Seller Central answered 403.'));
    await start(TABLE);
    await vi.waitFor(() => expect(controlFor('111')?.querySelector('button')).not.toBeNull());
    userClick(controlFor('111')?.querySelector('button'));
    await vi.waitFor(() => expect(controlFor('111')?.getAttribute('data-status')).toBe('failed'));
    expect(controlFor('111')?.querySelector('.sb-error')?.textContent).toBe('Seller Central answered 403.');
    // Back from another window: the background knows nothing of the failure, the row still says it.
    window.dispatchEvent(new Event('focus'));
    await vi.waitFor(() => expect(sent.filter((s) => s.type === 'settlement/states')).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 0));
    expect(controlFor('111')?.getAttribute('data-status')).toBe('failed');
  });

  it('reads every unsent row of the page for "Send all", showing its progress, and confirms them together', async () => {
    states = {};
    let release!: (text: string) => void;
    fetchFile.mockImplementationOnce(() => new Promise((resolve) => (release = resolve)));
    await start(TABLE);
    await vi.waitFor(() => expect(bar()?.querySelector('button')?.disabled).toBe(false));
    userClick(bar()?.querySelector('button'));
    await vi.waitFor(() => expect(bar()?.querySelector('[role="status"]')?.textContent).toContain('0'));
    expect(bar()?.querySelector('button')).toBeNull();
    release('first');
    await vi.waitFor(() =>
      expect(sent.find((s) => s.type === 'settlement/confirm')?.input).toEqual({
        settlementKeys: ['ACME:1110', 'ACME:2220'],
      }),
    );
    expect(fetchFile).toHaveBeenCalledTimes(2);
  });

  it('drops the mount of a row that left the page and removes everything when stopped', async () => {
    await start(TABLE);
    await vi.waitFor(() => expect(controlFor('222')).toBeTruthy());
    document.querySelector('tr')?.remove();
    await vi.waitFor(() => expect(live('settlebridge-settlement')).toHaveLength(1));
    expect(controlFor('111')).toBeUndefined();
    expect(controlFor('222')).toBeTruthy();
    controller.abort();
    expect(mounts.filter((m) => !m.removed)).toEqual([]);
  });
});
