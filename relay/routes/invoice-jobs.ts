// Invoice jobs: the extension hands over a batch of settlement invoices and gets a job id
// at once (202); the relay's worker posts them within the organisation's Xero limits.
// Submitting needs the connection's owner install and a grant for the account, like every
// other use of a connection; reading a job needs the install that created it. What each
// does is in relay/jobs/invoice-jobs.ts.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { relayRoutes } from '../../lib/relay-api';
import { connectionAccess } from '../auth/connection-access';
import type { AppEnv, RelayDeps } from '../deps';
import { RelayHttpError } from '../errors';
import { readInvoiceJob, submitInvoiceJob } from '../jobs/invoice-jobs';
import { validate } from '../validate';

/**
 * POST …/invoice-jobs, with a body limit of its own (up to 500 invoices) after `guard` (the
 * install's proof and budget): app.ts adds it ahead of the general body limit.
 */
export function invoiceJobSubmitRoutes(s: RelayDeps, guard: MiddlewareHandler<AppEnv>) {
  const { usable } = connectionAccess(s);
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
  return new Hono<AppEnv>().post(
    '/connections/:connectionId/invoice-jobs',
    guard,
    jobLimit,
    validate('param', relayRoutes.submitInvoices.params),
    validate('json', relayRoutes.submitInvoices.request),
    async (c) => {
      const installId = c.get('installId');
      const { accountId, invoices } = c.req.valid('json');
      const row = await usable(c, c.req.valid('param').connectionId, accountId, 'account');
      return c.json(await submitInvoiceJob(s, row, { installId, accountId, invoices }), 202);
    },
  );
}

export function invoiceJobRoutes(s: RelayDeps) {
  return new Hono<AppEnv>().get(
    '/invoice-jobs/:jobId',
    validate('param', relayRoutes.getJob.params),
    async (c) => c.json(await readInvoiceJob(s, c.req.valid('param').jobId, c.get('installId'))),
  );
}
