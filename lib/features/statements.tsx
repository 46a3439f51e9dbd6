/**
 * "Send to Xero" on Seller Central's statements pages. Runs in the content script: watches
 * the page until its statements rows appear (the current UI renders them client-side, after
 * load, and replaces them on every page of its pagination), puts a control after each
 * downloadable settlement and a hint after each row that only offers "Request Report",
 * fetches a settlement's V2 flat file through the page's own download URL, hands it to the
 * background, opens the extension's confirmation window for the send and shows the states.
 *
 * One Preact tree holds the feature's state in hooks; it shows itself only through portals
 * into the mount points it asks the page for (`MountFn`: in the extension, closed shadow
 * roots styled by WXT). All UI acts only on trusted (user) clicks, so the page's own scripts
 * can neither read what we show nor press our buttons.
 */
import { type ComponentChildren, createPortal, Fragment, render } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { BulkBar, type BulkProgress } from '@/components/in-page/BulkBar';
import { RequestHint } from '@/components/in-page/RequestHint';
import { SettlementControl, type SettlementState } from '@/components/in-page/SettlementControl';
import { errorMessage } from '../errors';
import { type SendFn, sendMessage } from '../message-client';
import { findStatementRows, type StatementRow } from '../seller-central/page';
import type { SettlementView } from '../views';

export interface Mounted {
  container: HTMLElement;
  remove(): void;
}

/** Creates a closed shadow root placed after (or before) `anchor`, or at the end of body. */
export type MountFn = (name: string, anchor: Element | null, where?: 'after' | 'before') => Promise<Mounted>;

export interface StatementsOptions {
  doc: Document;
  url: URL;
  send: SendFn;
  fetchFile: (href: string) => Promise<string>;
  mount: MountFn;
  signal: AbortSignal;
}

type DownloadRow = Extract<StatementRow, { kind: 'download' }>;
type RowState = SettlementState & { settlementKey: string };

/** One of our mount points next to a row of the page; `id` tells apart two mounts of one row. */
interface Slot {
  id: number;
  row: StatementRow;
  ui: Mounted;
}

/** The bulk bar's mount point, above the statements table it belongs to. */
interface Bar {
  id: number;
  ui: Mounted;
  table: Element;
}

const POLL_MS = 2000;
/** Katal renders inside shadow roots, which a MutationObserver on the document does not see. */
const RESCAN_MS = 1000;
/** How long the page watches for sends queued from the confirmation window. */
const CONFIRM_WATCH_MS = 10 * 60_000;

const isDownload = (r: StatementRow): r is DownloadRow => r.kind === 'download';

/**
 * Renders the feature's tree and resolves once it has looked at the page the first time.
 * The tree's own root never enters the page; aborting `signal` unmounts it, which removes
 * every mount point and stops the watching.
 */
export async function startStatements(opts: StatementsOptions): Promise<void> {
  if (opts.signal.aborted) return;
  const root = opts.doc.createElement('div');
  opts.signal.addEventListener('abort', () => render(null, root), { once: true });
  await new Promise<void>((resolve) => render(<Statements {...opts} onFirstScan={resolve} />, root));
}

export function Statements({
  doc,
  url,
  send,
  fetchFile,
  mount,
  signal,
  onFirstScan,
}: StatementsOptions & { onFirstScan?: () => void }) {
  /** The mount points the tree renders into; published once the states for them are known. */
  const [slots, setSlots] = useState<{ rows: readonly Slot[]; bar: Bar | null }>({ rows: [], bar: null });
  const [accountName, setAccountName] = useState<string | null>(null);
  const [states, setStates] = useState<Readonly<Record<string, RowState>>>({});
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [preparing, setPreparing] = useState<{ done: number; total: number } | null>(null);
  const [progress, setProgress] = useState<BulkProgress | null>(null);

  /**
   * What the page watchers and the click guards read between renders: the mounts now on the
   * page (scanning adds and removes them before the tree shows them), the bulk send being
   * followed, and the synchronous guards against a second click.
   */
  const live = useRef({
    shown: new Map<string, Slot>(),
    bar: null as Bar | null,
    nextId: 0,
    bulkKeys: [] as string[],
    /** Until when to keep polling after asking for the confirmation window (it may queue sends). */
    confirmingUntil: 0,
    busy: new Set<string>(),
    isPreparing: false,
    states: states,
  }).current;
  live.states = states;

  const settlementIdOf = (d: DownloadRow) =>
    d.settlementId ?? states[d.key]?.settlementKey.split(':').slice(1).join(':') ?? '';
  const downloads = slots.rows.map((s) => s.row).filter(isDownload);
  const unsent = downloads.filter((d) => !states[d.key] || states[d.key]?.status === 'new');

  /** Asks the background for the states of the rows on the page, then shows the mounts. */
  async function refresh() {
    const rows = [...live.shown.values()].map((s) => s.row).filter(isDownload);
    const settlementIds = rows.flatMap((d) => (d.settlementId ? [d.settlementId] : []));
    const referenceIds = rows.flatMap((d) => (!d.settlementId && d.referenceId ? [d.referenceId] : []));
    const answer = await sendMessage(send, 'settlement/states', { settlementIds, referenceIds });
    setAccountName(answer.accountName);
    setStates((current) => {
      const next: Record<string, RowState> = {};
      for (const d of rows) {
        const state = d.settlementId
          ? answer.states[d.settlementId]
          : answer.byReference?.[d.referenceId ?? ''];
        if (state) next[d.key] = state;
      }
      // A failure to read a file is only known here, not in the background: keep showing it.
      for (const [key, s] of Object.entries(current)) if (!next[key] && s.status === 'failed') next[key] = s;
      return next;
    });
    if (live.bulkKeys.length > 0) {
      const p = await sendMessage(send, 'settlement/progress', { settlementKeys: live.bulkKeys });
      const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
      setProgress({
        total,
        sent: p.counts.sent,
        failed: p.counts.failed,
        parked: p.counts.parked,
        estimateSeconds: p.estimateSeconds,
      });
      if (p.counts.queued + p.counts.sending === 0) live.bulkKeys = [];
    } else {
      setProgress(null);
    }
    setSlots({ rows: [...live.shown.values()], bar: live.bar });
  }

  /** Shows why a settlement could not be read; nothing was stored for it. */
  const showPrepareError = (d: DownloadRow, e: unknown) =>
    setStates((current) => ({
      ...current,
      [d.key]: { status: 'failed', settlementKey: '', error: errorMessage(e) },
    }));

  /** Fetches and reads one settlement, or says why it could not. */
  async function prepare(d: DownloadRow): Promise<SettlementView | undefined> {
    const text = await fetchFile(d.href);
    return sendMessage(send, 'settlement/ingest', {
      ...(d.settlementId ? { settlementId: d.settlementId } : {}),
      ...(d.referenceId ? { referenceId: d.referenceId } : {}),
      text,
    });
  }

  async function sendOne(d: DownloadRow) {
    // A second click while the first is still preparing does nothing.
    if (live.busy.has(d.key)) return;
    live.busy.add(d.key);
    setBusy(new Set(live.busy));
    try {
      const view = await prepare(d);
      // The send itself is confirmed in the extension's own window (lib/messages.ts header).
      if (view) {
        setStates((current) => ({
          ...current,
          [d.key]: { status: view.status, settlementKey: view.settlementKey },
        }));
        await sendMessage(send, 'settlement/confirm', { settlementKeys: [view.settlementKey] });
        live.confirmingUntil = Date.now() + CONFIRM_WATCH_MS;
      }
    } catch (e) {
      showPrepareError(d, e);
    } finally {
      live.busy.delete(d.key);
      setBusy(new Set(live.busy));
    }
  }

  /** Every unsent settlement among the rows this page shows (not other pages of the list). */
  async function sendAll(todo: readonly DownloadRow[]) {
    if (live.isPreparing) return;
    live.isPreparing = true;
    const views: SettlementView[] = [];
    setPreparing({ done: 0, total: todo.length });
    try {
      for (const [i, d] of todo.entries()) {
        try {
          const view = await prepare(d);
          if (view) views.push(view);
        } catch (e) {
          showPrepareError(d, e);
        }
        setPreparing({ done: i + 1, total: todo.length });
      }
    } finally {
      live.isPreparing = false;
      setPreparing(null);
    }
    if (views.length > 0) {
      live.bulkKeys = views.length > 1 ? views.map((v) => v.settlementKey) : [];
      await sendMessage(send, 'settlement/confirm', { settlementKeys: views.map((v) => v.settlementKey) });
      live.confirmingUntil = Date.now() + CONFIRM_WATCH_MS;
    }
  }

  // Watching starts as soon as the tree is rendered (a layout effect, not one that waits for
  // the next frame, which a background tab may never paint) and stops when it is unmounted.
  // One watcher for the tree's life: it reads only refs, setters and props that never change.
  useLayoutEffect(() => {
    /** Takes the removed mounts out of the tree at once; new ones wait for their states. */
    const dropGone = () =>
      setSlots((current) => ({
        rows: current.rows.filter((s) => live.shown.get(s.row.key) === s),
        bar: current.bar === live.bar ? current.bar : null,
      }));

    /**
     * Brings our mount points in line with the rows on the page: new rows get one, rows that
     * left (another page of the list, a re-render) lose theirs, a row whose download appeared
     * after "Request Report" trades its hint for a control.
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
        const rows = findStatementRows(doc, url);
        const byKey = new Map(rows.map((r) => [r.key, r]));
        let changed = false;
        let removed = false;
        for (const [key, entry] of live.shown) {
          const now = byKey.get(key);
          if (!now || now.place !== entry.row.place || !entry.row.place.isConnected) {
            entry.ui.remove();
            live.shown.delete(key);
            changed = removed = true;
          }
        }
        const table =
          rows[0]?.row.closest('kat-data-table, table, #financialEventGroupList') ?? rows[0]?.row ?? null;
        if (live.bar && (!table || live.bar.table !== table || !live.bar.table.isConnected)) {
          live.bar.ui.remove();
          live.bar = null;
          removed = true;
        }
        if (removed) dropGone();
        for (const row of rows) {
          if (live.shown.has(row.key)) continue;
          const name = row.kind === 'download' ? 'settlebridge-settlement' : 'settlebridge-hint';
          const ui = await mount(name, row.place, 'after');
          if (signal.aborted) return ui.remove();
          live.shown.set(row.key, { id: live.nextId++, row, ui });
          changed = true;
        }
        if (table && !live.bar) {
          const ui = await mount('settlebridge-bar', table, 'before');
          if (signal.aborted) return ui.remove();
          live.bar = { id: live.nextId++, ui, table };
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
    observer.observe(doc.documentElement, { childList: true, subtree: true });
    const rescan = setInterval(schedule, RESCAN_MS);
    // Back from the confirmation window: show what it queued.
    const stopFocus = new AbortController();
    window.addEventListener('focus', () => void refresh().catch(() => {}), { signal: stopFocus.signal });
    // States change in the background (outbox, other tabs): keep the page current.
    const timer = setInterval(() => {
      // Parked sends resume after Reconnect (possibly from another page): keep watching them too.
      const active =
        Object.values(live.states).some((s) => ['queued', 'sending', 'needs_reconnect'].includes(s.status)) ||
        live.bulkKeys.length > 0 ||
        Date.now() < live.confirmingUntil;
      if (active) void refresh().catch(() => {});
    }, POLL_MS);
    void scan()
      .catch(() => {})
      .finally(() => onFirstScan?.());
    return () => {
      observer.disconnect();
      clearInterval(rescan);
      clearInterval(timer);
      stopFocus.abort();
      for (const { ui } of live.shown.values()) ui.remove();
      live.shown.clear();
      live.bar?.ui.remove();
      live.bar = null;
    };
  }, []);

  const into = (id: number, ui: Mounted, node: ComponentChildren) => (
    <Fragment key={id}>{createPortal(node, ui.container)}</Fragment>
  );
  return (
    <>
      {slots.bar &&
        into(
          slots.bar.id,
          slots.bar.ui,
          <BulkBar
            accountName={accountName}
            unsent={unsent.length}
            preparing={preparing}
            progress={progress}
            onSendAll={() => void sendAll(unsent)}
          />,
        )}
      {slots.rows.map(({ id, row, ui }) =>
        into(
          id,
          ui,
          accountName &&
            (row.kind === 'request' ? (
              <RequestHint />
            ) : (
              <SettlementControl
                settlementId={settlementIdOf(row)}
                {...(row.referenceId ? { referenceId: row.referenceId } : {})}
                state={states[row.key]}
                isBusy={busy.has(row.key)}
                onSend={() => void sendOne(row)}
              />
            )),
        ),
      )}
    </>
  );
}
