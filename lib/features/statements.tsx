/**
 * "Send to Xero" on Seller Central's statements pages. Runs in the content script: fetches
 * each settlement's V2 flat file through the page's own download link, hands it to the
 * background, shows the preview and the states. All UI sits in closed shadow roots and
 * acts only on trusted (user) clicks, so the page's own scripts can neither read what we
 * show nor press our buttons.
 */
import { render } from 'preact';
import { BulkBar, type BulkProgress } from '@/components/in-page/BulkBar';
import { SettlementControl, type SettlementState } from '@/components/in-page/SettlementControl';
import { SettlementPreview } from '@/components/in-page/SettlementPreview';
import { IN_PAGE_CSS } from '@/components/in-page/styles';
import type { SettlementView } from '../background/settlements';
import { type SendFn, sendMessage } from '../message-client';
import { findSettlementDownloads, type SettlementDownload } from '../seller-central/page';

export interface Mounted {
  container: HTMLElement;
  remove(): void;
}

/** Creates a closed shadow root placed after `anchor` (or at the end of body). */
export type MountFn = (name: string, anchor: Element | null) => Promise<Mounted>;

const POLL_MS = 2000;
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
  const downloads = findSettlementDownloads(opts.doc, opts.url);
  if (downloads.length === 0) return;

  let accountName: string | null = null;
  let states: Record<string, SettlementState & { settlementKey: string }> = {};
  const busy = new Set<string>();
  let preparing: { done: number; total: number } | null = null;
  let progress: BulkProgress | null = null;
  let bulkKeys: string[] = [];
  /** Until when to keep polling after asking for the confirmation window (it may queue sends). */
  let confirmingUntil = 0;
  let preview: { views: SettlementView[] } | null = null;

  const table = downloads[0]!.anchor.closest('table') ?? downloads[0]!.anchor;
  const bar = await opts.mount('settlebridge-bar', table.previousElementSibling ?? table.parentElement);
  const rows = await Promise.all(downloads.map((d) => opts.mount('settlebridge-settlement', d.anchor)));
  const dialog = await opts.mount('settlebridge-preview', null);
  signal.addEventListener('abort', () => {
    for (const m of [bar, dialog, ...rows]) m.remove();
  });

  const unsent = () =>
    downloads.filter((d) => !states[d.settlementId] || states[d.settlementId]?.status === 'new');

  const paint = () => {
    render(
      <>
        <style>{IN_PAGE_CSS}</style>
        <BulkBar
          accountName={accountName}
          unsent={unsent().length}
          preparing={preparing}
          progress={progress}
          onSendAll={() => void sendAll()}
        />
      </>,
      bar.container,
    );
    downloads.forEach((d, i) => {
      render(
        <>
          <style>{IN_PAGE_CSS}</style>
          {accountName && (
            <SettlementControl
              settlementId={d.settlementId}
              state={states[d.settlementId]}
              isBusy={busy.has(d.settlementId)}
              onSend={() => void sendOne(d)}
            />
          )}
        </>,
        rows[i]!.container,
      );
    });
    render(
      <>
        <style>{IN_PAGE_CSS}</style>
        {preview && (
          <SettlementPreview
            views={preview.views}
            onCancel={() => {
              preview = null;
              paint();
            }}
            onSend={async () => {
              const views = preview?.views ?? [];
              for (const v of views)
                await sendMessage(send, 'settlement/send', { settlementKey: v.settlementKey });
              bulkKeys = views.length > 1 ? views.map((v) => v.settlementKey) : [];
              preview = null;
              await refresh();
            }}
            onMapAccount={async (settlementKey, key, accountCode) => {
              const updated = await sendMessage(send, 'mapping/set-account', {
                settlementKey,
                key,
                accountCode,
              });
              if (preview)
                preview = {
                  views: preview.views.map((v) => (v.settlementKey === settlementKey ? updated : v)),
                };
              paint();
            }}
          />
        )}
      </>,
      dialog.container,
    );
  };

  async function refresh() {
    const answer = await sendMessage(send, 'settlement/states', {
      settlementIds: downloads.map((d) => d.settlementId),
    });
    accountName = answer.accountName;
    states = answer.states;
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

  /** Shows why a settlement could not be read; nothing was stored for it. */
  function showPrepareError(d: SettlementDownload, e: unknown) {
    const error = e instanceof Error ? e.message : String(e);
    states = { ...states, [d.settlementId]: { status: 'failed', settlementKey: '', error } };
  }

  /** Fetches and reads one settlement, or says why it could not. */
  async function prepare(d: SettlementDownload): Promise<SettlementView | undefined> {
    const text = await opts.fetchFile(d.href);
    return sendMessage(send, 'settlement/ingest', { settlementId: d.settlementId, text });
  }

  async function sendOne(d: SettlementDownload) {
    // A second click while the first is still preparing does nothing.
    if (busy.has(d.settlementId) || preview) return;
    busy.add(d.settlementId);
    paint();
    try {
      const view = await prepare(d);
      // The send itself is confirmed in the extension's own window (lib/messages.ts header).
      if (view) {
        await sendMessage(send, 'settlement/confirm', { settlementKeys: [view.settlementKey] });
        confirmingUntil = Date.now() + CONFIRM_WATCH_MS;
      }
    } catch (e) {
      showPrepareError(d, e);
    } finally {
      busy.delete(d.settlementId);
      paint();
    }
  }

  async function sendAll() {
    if (preview || preparing) return;
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

  await refresh();
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
  signal.addEventListener('abort', () => clearInterval(timer));
}
