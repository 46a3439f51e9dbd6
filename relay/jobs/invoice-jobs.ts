// What the invoice-job routes do, without HTTP: queue a batch for a connection the caller may
// use, and read a job with the time it still needs. Refusals are DomainErrors (or the
// connection's own, from relay/tokens.ts); the route maps the answers.
import type { InvoiceAttachment, InvoicePayload, Job } from '../../lib/relay-api';
import { checkBooksBeforeQueueing } from '../books';
import type { RelayDeps } from '../deps';
import { DomainError } from '../errors';
import type { ConnectionRow } from '../store/queries';
import { secondsRemaining } from './estimate';

export interface InvoiceBatch {
  installId: string;
  accountId: string;
  invoices: { idempotencyKey: string; invoice: InvoicePayload; attachments?: InvoiceAttachment[] }[];
}

/** One install may not fill the queue (and the organisations' Xero budget) for everyone. */
async function checkQuota(s: RelayDeps, { installId, invoices }: InvoiceBatch): Promise<void> {
  const queued = await s.store.installQueue(installId);
  const adding = invoices.reduce(
    (n, i) =>
      n +
      Buffer.byteLength(JSON.stringify(i.invoice)) +
      (i.attachments ?? []).reduce((m, a) => m + a.contentBase64.length, 0),
    0,
  );
  const maxItems = s.config.INSTALL_QUEUED_INVOICES_MAX;
  const maxBytes = s.config.INSTALL_QUEUED_BYTES_MAX;
  if (queued.items + invoices.length > maxItems || queued.bytes + adding > maxBytes) {
    throw new DomainError(
      'quota_exceeded',
      `This install already has ${queued.items} invoices (${queued.bytes} bytes) waiting to post; with these ${invoices.length} it would pass its limit of ${maxItems} invoices or ${maxBytes} bytes. Nothing was queued; send again once some have posted.`,
    );
  }
}

/**
 * Queues `batch` on a connection already checked usable for its account: within the install's
 * quota, every line fitting the organisation's books, then stored atomically (JobStore.submit)
 * and the worker told.
 */
export async function submitInvoiceJob(s: RelayDeps, row: ConnectionRow, batch: InvoiceBatch) {
  await checkQuota(s, batch);
  await checkBooksBeforeQueueing(s, row, batch.invoices);
  const result = await s.jobs.submit(
    {
      installId: batch.installId,
      connectionId: row.id,
      tenantId: row.tenant_id,
      accountId: batch.accountId,
      invoices: batch.invoices,
    },
    s.schedulerClock.now(),
  );
  s.log.info(
    {
      jobId: result.jobId,
      connectionId: row.id,
      items: batch.invoices.length,
      alreadyDone: result.items.filter((i) => i.state === 'done').length,
    },
    'invoice job accepted',
  );
  s.onJobQueued();
  return result;
}

/** The job as `installId` (its creator, only) may read it, with an estimate of the wait. */
export async function readInvoiceJob(s: RelayDeps, jobId: string, installId: string): Promise<Job> {
  const job = await s.jobs.getJob(jobId);
  if (!job) throw new DomainError('not_found', 'That invoice job was not found.');
  if (job.installId !== installId) {
    throw new DomainError('not_granted', 'Only the install that created this job may read it.');
  }
  const { counts } = job;
  const now = s.schedulerClock.now();
  const budget = await s.scheduler.budget(job.tenantId);
  const ahead =
    counts.queued + counts.posting > 0
      ? await s.jobs.pendingOn(job.connectionId)
      : { pending: 0, toCheck: 0 };
  return {
    jobId: job.jobId,
    connectionId: job.connectionId,
    state: job.state,
    counts,
    items: job.items,
    estimate: {
      secondsRemaining: secondsRemaining({
        ahead,
        budget,
        limits: s.scheduler.limits,
        callSeconds: s.scheduler.callSeconds,
        now,
      }),
      minuteRemaining: budget.minuteRemaining,
      dayRemaining: budget.dayRemaining,
    },
  };
}
