/**
 * "Send to Xero" on Seller Central's statements pages. Runs in the content script: watches
 * the page until its statements rows appear (the current UI renders them client-side, after
 * load, and replaces them on every page of its pagination), puts a control after each
 * downloadable settlement and a hint after each row that only offers "Request Report",
 * fetches a settlement's V2 flat file through the page's own download URL, hands it to the
 * background, opens the extension's confirmation window for the send and shows the states. All UI sits in closed shadow roots and acts
 * only on trusted (user) clicks, so the page's own scripts can neither read what we show nor
 * press our buttons.
 */
import { render } from 'preact';
import { BulkBar, type BulkProgress } from '@/components/in-page/BulkBar';
import { RequestHint } from '@/components/in-page/RequestHint';
import { SettlementControl, type SettlementState } from '@/components/in-page/SettlementControl';
import { IN_PAGE_CSS } from '@/components/in-page/styles';
import { type SendFn, sendMessage } from '../message-client';
import { findStatementRows, type StatementRow } from '../seller-central/page';
import type { SettlementView } from '../views';

export interface Mounted {
  container: HTMLElement;
  remove(): void;
}

/** Creates a closed shadow root placed after (or before) `anchor`, or at the end of body. */
export type MountFn = (name: string, anchor: Element | null, where?: 'after' | 'before') => Promise<Mounted>;

type DownloadRow = Extract<StatementRow, { kind: 'download' }>;
type RowState = SettlementState & { settlementKey: string };

const POLL_MS = 2000;
/** Katal renders inside shadow roots, which a MutationObserver on the document does not see. */
const RESCAN_MS = 1000;
/** How long the page watches for sends queued from the confirmation window. */
const CONFIRM_WATCH_MS = 10 * 60_000;

export async function startStatements(opts: {
  doc: Document;
  url: URL;
  send: SendFn;
  fetchFile: (href: string) => Promise<string>;
  mount: MountFn;
  signal: AbortSignal;
}): Promise<void> {
  const { send, signal } = opts;

  let accountName: string | null = null;
  let states: Record<string, RowState> = {};
  const busy = new Set<string>();
  let preparing: { done: number; total: number } | null = null;
  let progress: BulkProgress | null = null;
  let bulkKeys: string[] = [];
  /** Until when to keep polling after asking for the confirmation window (it may queue sends). */
  let confirmingUntil = 0;

  /** What is on the page now, by row key, with the shadow root we put next to it. */
  const shown = new Map<string, { row: StatementRow; ui: Mounted }>();
  let bar: { ui: Mounted; table: Element } | null = null;

  const downloads = () =>
    [...shown.values()].map((s) => s.row).filter((r): r is DownloadRow => r.kind === 'download');
  const unsent = () => downloads().filter((d) => !states[d.key] || states[d.key]?.status === 'new');
  const settlementIdOf = (d: DownloadRow) =>
    d.settlementId ?? states[d.key]?.settlementKey.split(':').slice(1).join(':') ?? '';

  const styled = (node: preact.ComponentChildren) => (
    <>
      <style>{IN_PAGE_CSS}</style>
      {node}
    </>
  );

  const paint = () => {
    if (signal.aborted) return;
    if (bar) {
      render(
        styled(
          <BulkBar
            accountName={accountName}
            unsent={unsent().length}
            preparing={preparing}
            progress={progress}
            onSendAll={() => void sendAll()}
          />,
        ),
        bar.ui.container,
      );
    }
    for (const { row, ui } of shown.values()) {
      if (row.kind === 'request') {
        render(styled(accountName && <RequestHint />), ui.container);
        continue;
      }
      render(
        styled(
          accountName && (
            <SettlementControl
              settlementId={settlementIdOf(row)}
              {...(row.referenceId ? { referenceId: row.referenceId } : {})}
              state={states[row.key]}
              isBusy={busy.has(row.key)}
              onSend={() => void sendOne(row)}
            />
          ),
        ),
        ui.container,
      );
    }
  };

  async function refresh() {
    const rows = downloads();
    const settlementIds = rows.flatMap((d) => (d.settlementId ? [d.settlementId] : []));
    const referenceIds = rows.flatMap((d) => (!d.settlementId && d.referenceId ? [d.referenceId] : []));
    const answer = await sendMessage(send, 'settlement/states', { settlementIds, referenceIds });
    accountName = answer.accountName;
    const next: Record<string, RowState> = {};
    for (const d of rows) {
      const state = d.settlementId
        ? answer.states[d.settlementId]
        : answer.byReference?.[d.referenceId ?? ''];
      if (state) next[d.key] = state;
    }
    // A failure to read a file is only known here, not in the background: keep showing it.
    for (const [key, s] of Object.entries(states)) if (!next[key] && s.status === 'failed') next[key] = s;
    states = next;
    if (bulkKeys.length > 0) {
      const p = await sendMessage(send, 'settlement/progress', { settlementKeys: bulkKeys });
      const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
      progress = {
        total,
        sent: p.counts.sent,
        failed: p.counts.failed,
        parked: p.counts.parked,
        estimateSeconds: p.estimateSeconds,
      };
      if (p.counts.queued + p.counts.sending === 0) bulkKeys = [];
    } else {
      progress = null;
    }
    paint();
  }

  /**
   * Brings our controls in line with the rows on the page: new rows get one, rows that left
   * (another page of the list, a re-render) lose theirs, a row whose download appeared after
   * "Request Report" trades its hint for a control.
   */
  let scanning = false;
  let scanAgain = false;
  async function scan() {
    if (signal.aborted) return;
    if (scanning) {
      scanAgain = true;
      return;
    }
    scanning = true;
    try {
      const rows = findStatementRows(opts.doc, opts.url);
      const byKey = new Map(rows.map((r) => [r.key, r]));
      let changed = false;
      for (const [key, entry] of shown) {
        const now = byKey.get(key);
        if (!now || now.place !== entry.row.place || !entry.row.place.isConnected) {
          entry.ui.remove();
          shown.delete(key);
          changed = true;
        }
      }
      for (const row of rows) {
        if (shown.has(row.key)) continue;
        const name = row.kind === 'download' ? 'settlebridge-settlement' : 'settlebridge-hint';
        const ui = await opts.mount(name, row.place, 'after');
        if (signal.aborted) return ui.remove();
        shown.set(row.key, { row, ui });
        changed = true;
      }
      const table =
        rows[0]?.row.closest('kat-data-table, table, #financialEventGroupList') ?? rows[0]?.row ?? null;
      if (bar && (!table || bar.table !== table || !bar.table.isConnected)) {
        bar.ui.remove();
        bar = null;
      }
      if (table && !bar) {
        bar = { ui: await opts.mount('settlebridge-bar', table, 'before'), table };
        changed = true;
      }
      if (changed) await refresh();
    } finally {
      scanning = false;
      if (scanAgain && !signal.aborted) {
        scanAgain = false;
        void scan().catch(() => {});
      }
    }
  }

  /** Shows why a settlement could not be read; nothing was stored for it. */
  function showPrepareError(d: DownloadRow, e: unknown) {
    const error = e instanceof Error ? e.message : String(e);
    states = { ...states, [d.key]: { status: 'failed', settlementKey: '', error } };
  }

  /** Fetches and reads one settlement, or says why it could not. */
  async function prepare(d: DownloadRow): Promise<SettlementView | undefined> {
    const text = await opts.fetchFile(d.href);
    return sendMessage(send, 'settlement/ingest', {
      ...(d.settlementId ? { settlementId: d.settlementId } : {}),
      ...(d.referenceId ? { referenceId: d.referenceId } : {}),
      text,
    });
  }

  async function sendOne(d: DownloadRow) {
    // A second click while the first is still preparing does nothing.
    if (busy.has(d.key)) return;
    busy.add(d.key);
    paint();
    try {
      const view = await prepare(d);
      // The send itself is confirmed in the extension's own window (lib/messages.ts header).
      if (view) {
        states = { ...states, [d.key]: { status: view.status, settlementKey: view.settlementKey } };
        await sendMessage(send, 'settlement/confirm', { settlementKeys: [view.settlementKey] });
        confirmingUntil = Date.now() + CONFIRM_WATCH_MS;
      }
    } catch (e) {
      showPrepareError(d, e);
    } finally {
      busy.delete(d.key);
      paint();
    }
  }

  /** Every unsent settlement among the rows this page shows (not other pages of the list). */
  async function sendAll() {
    if (preparing) return;
    const todo = unsent();
    const views: SettlementView[] = [];
    preparing = { done: 0, total: todo.length };
    paint();
    for (const d of todo) {
      try {
        const view = await prepare(d);
        if (view) views.push(view);
      } catch (e) {
        showPrepareError(d, e);
      }
      preparing = { done: preparing.done + 1, total: todo.length };
      paint();
    }
    preparing = null;
    if (views.length > 0) {
      bulkKeys = views.length > 1 ? views.map((v) => v.settlementKey) : [];
      await sendMessage(send, 'settlement/confirm', { settlementKeys: views.map((v) => v.settlementKey) });
      confirmingUntil = Date.now() + CONFIRM_WATCH_MS;
    }
    paint();
  }

  signal.addEventListener('abort', () => {
    for (const { ui } of shown.values()) ui.remove();
    shown.clear();
    bar?.ui.remove();
  });

  // Rows arrive after load and change with the list's pages: watch the document, and look
  // again now and then for what renders inside shadow roots.
  let queued = false;
  const schedule = () => {
    if (queued || signal.aborted) return;
    queued = true;
    setTimeout(() => {
      queued = false;
      void scan().catch(() => {});
    }, 50);
  };
  const observer = new MutationObserver(schedule);
  observer.observe(opts.doc.documentElement, { childList: true, subtree: true });
  const rescan = setInterval(schedule, RESCAN_MS);
  // Back from the confirmation window: show what it queued.
  window.addEventListener('focus', () => void refresh().catch(() => {}), { signal });
  // States change in the background (outbox, other tabs): keep the page current.
  const timer = setInterval(() => {
    // Parked sends resume after Reconnect (possibly from another page): keep watching them too.
    const active =
      Object.values(states).some((s) => ['queued', 'sending', 'needs_reconnect'].includes(s.status)) ||
      bulkKeys.length > 0 ||
      Date.now() < confirmingUntil;
    if (active) void refresh().catch(() => {});
  }, POLL_MS);
  signal.addEventListener('abort', () => {
    observer.disconnect();
    clearInterval(rescan);
    clearInterval(timer);
  });
  await scan();
}
