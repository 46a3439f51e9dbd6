// Invoice jobs: the extension hands over a batch of settlement invoices and gets a job id
// at once (202); the relay's worker posts them within the organisation's Xero limits.
// Submitting needs the connection's owner install and a grant for the account, like every
// other use of a connection; reading a job needs the install that created it.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { relayRoutes } from '../../lib/relay-api';
import { currentConnection, isGranted } from '../auth/middleware';
import { RelayHttpError } from '../errors';
import { BATCH_SIZE } from '../jobs/worker';
import type { AppEnv, Services } from '../services';
import { isDisconnected, needsReconnect, tenantNotChosen } from '../tokens';
import { validate } from '../validate';
import { checkBooksBeforeQueueing } from './books';

export function invoiceJobRoutes(s: Services) {
  const jobLimit = bodyLimit({
    maxSize: s.config.INVOICE_JOB_BODY_LIMIT_BYTES,
    onError: () => {
      throw new RelayHttpError(
        413,
        'payload_too_large',
        `The request body is larger than ${s.config.INVOICE_JOB_BODY_LIMIT_BYTES} bytes; send fewer invoices per job.`,
      );
    },
  });

  /** One install may not fill the queue (and the organisations' Xero budget) for everyone. */
  async function checkQuota(
    installId: string,
    invoices: readonly { invoice: unknown; attachments?: readonly { contentBase64: string }[] }[],
  ) {
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
      throw new RelayHttpError(
        429,
        'quota_exceeded',
        `This install already has ${queued.items} invoices (${queued.bytes} bytes) waiting to post; with these ${invoices.length} it would pass its limit of ${maxItems} invoices or ${maxBytes} bytes. Nothing was queued; send again once some have posted.`,
        { 'retry-after': '60' },
      );
    }
  }

  return new Hono<AppEnv>()
    .post(
      '/connections/:connectionId/invoice-jobs',
      jobLimit,
      validate('param', relayRoutes.submitInvoices.params),
      validate('json', relayRoutes.submitInvoices.request),
      async (c) => {
        const installId = c.get('installId');
        const { accountId, invoices } = c.req.valid('json');
        const conn = await currentConnection(c, s, c.req.valid('param').connectionId);
        if (!conn) throw new RelayHttpError(404, 'not_found', 'That connection was not found.');
        const { row } = conn;
        if (row.owner_install_id !== installId || !(await isGranted(s, conn, accountId))) {
          throw new RelayHttpError(
            403,
            'not_granted',
            'This Amazon account has not been given access to the Xero connection; use “Share Xero Access” first.',
          );
        }
        if (row.status === 'needs_reconnect') throw needsReconnect();
        if (row.status === 'disconnected') throw isDisconnected();
        if (!row.tenant_chosen) throw tenantNotChosen();
        await checkQuota(installId, invoices);
        await checkBooksBeforeQueueing(s, row, invoices);
        const result = await s.jobs.submit(
          { installId, connectionId: row.id, tenantId: row.tenant_id, accountId, invoices },
          s.schedulerClock.now(),
        );
        s.log.info(
          {
            jobId: result.jobId,
            connectionId: row.id,
            items: invoices.length,
            alreadyDone: result.items.filter((i) => i.state === 'done').length,
          },
          'invoice job accepted',
        );
        s.onJobQueued();
        return c.json(result, 202);
      },
    )
    .get('/invoice-jobs/:jobId', validate('param', relayRoutes.getJob.params), async (c) => {
      const job = await s.jobs.getJob(c.req.valid('param').jobId);
      if (!job) throw new RelayHttpError(404, 'not_found', 'That invoice job was not found.');
      if (job.installId !== c.get('installId')) {
        throw new RelayHttpError(403, 'not_granted', 'Only the install that created this job may read it.');
      }
      const { counts } = job;
      const now = s.schedulerClock.now();
      const budget = await s.scheduler.budget(job.tenantId);
      // Everything queued on the connection goes first-come first-served, so this job waits
      // for all of it (an upper bound when later jobs exist).
      const ahead =
        counts.queued + counts.posting > 0
          ? await s.jobs.pendingOn(job.connectionId)
          : { pending: 0, toCheck: 0 };
      const calls = Math.ceil(ahead.pending / BATCH_SIZE) + Math.ceil(ahead.toCheck / BATCH_SIZE);
      const { concurrent, perMinute } = s.scheduler.limits;
      let seconds = Math.max(0, budget.blockedUntil - now) / 1000;
      const thisMinute = Math.min(calls, budget.minuteRemaining);
      seconds += Math.ceil(thisMinute / concurrent) * s.scheduler.callSeconds;
      seconds += (calls - thisMinute) * (60 / perMinute);
      if (calls > budget.dayRemaining) seconds = Math.max(seconds, (budget.dayFreesAt - now) / 1000);
      return c.json({
        jobId: job.jobId,
        connectionId: job.connectionId,
        state: job.state,
        counts,
        items: job.items,
        estimate: {
          secondsRemaining: Math.ceil(seconds),
          minuteRemaining: budget.minuteRemaining,
          dayRemaining: budget.dayRemaining,
        },
      });
    });
}
