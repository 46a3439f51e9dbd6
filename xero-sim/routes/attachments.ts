/**
 * Invoice attachments: PUT (and POST) /Invoices/{InvoiceID}/Attachments/{FileName} with the
 * file's raw bytes as the body, GET …/Attachments to list them, GET …/{FileName|AttachmentID}
 * for the bytes. Shapes from Xero's OpenAPI spec (XeroAPI/Xero-OpenAPI xero_accounting.yaml:
 * createInvoiceAttachmentByFileName, getInvoiceAttachments, schema Attachment).
 * Limits, from public notes since the spec does not state them: 10 MB per file and 10 files
 * per record (Workato's Xero "Upload attachment" docs; Codat's Xero notes, codat-docs#1802,
 * which also list the accepted file extensions). Xero keeps every upload, also one with a
 * name already there (XeroAPI/Xero-NetStandard#52), so an upload repeated after a lost answer
 * shows up twice: clients must look before they upload again. The refusal wording is the
 * sim's own where Xero's is not published; the shapes (ValidationException, 413, 404) are Xero's.
 */
import { type Context, Hono } from 'hono';
import type { SimDeps } from '../deps.ts';
import { problem, requestValidationException } from '../errors.ts';
import type { StoredAttachment } from '../state.ts';
import { envelope } from '../xero-json.ts';
import type { AccountingEnv } from './accounting.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_RECORD = 10;

/** The extensions Xero accepts (Codat's list) and the MIME type each is stored with. */
export const ATTACHMENT_TYPES: Record<string, string> = {
  '7z': 'application/x-7z-compressed',
  bmp: 'image/bmp',
  csv: 'text/csv',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  eml: 'message/rfc822',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  keynote: 'application/vnd.apple.keynote',
  msg: 'application/vnd.ms-outlook',
  numbers: 'application/vnd.apple.numbers',
  odf: 'application/vnd.oasis.opendocument.formula',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odt: 'application/vnd.oasis.opendocument.text',
  pages: 'application/vnd.apple.pages',
  pdf: 'application/pdf',
  png: 'image/png',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  rar: 'application/vnd.rar',
  rtf: 'application/rtf',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  txt: 'text/plain',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function attachmentRoutes(deps: SimDeps): Hono<AccountingEnv> {
  const app = new Hono<AccountingEnv>();
  const { state } = deps;
  const provider = (c: Context<AccountingEnv>) =>
    state.clients.get(c.get('token').clientId)?.name ?? 'Xero (sim)';
  const notFound = (c: Context) =>
    c.json(problem(404, 'The resource you are looking for cannot be found'), 404);

  const json = (c: Context<AccountingEnv>, invoiceId: string, a: StoredAttachment) => ({
    AttachmentID: a.AttachmentID,
    FileName: a.FileName,
    Url: `${new URL(c.req.url).origin}/api.xro/2.0/Invoices/${invoiceId}/Attachments/${encodeURIComponent(a.FileName)}`,
    MimeType: a.MimeType,
    ContentLength: a.ContentLength,
    IncludeOnline: a.IncludeOnline,
  });

  const invoiceOf = (c: Context<AccountingEnv>) => {
    const id = c.req.param('id') ?? '';
    return GUID.test(id) ? c.get('org').invoices.get(id.toLowerCase()) : undefined;
  };

  app.get('/Invoices/:id/Attachments', (c) => {
    const inv = invoiceOf(c);
    if (!inv) return notFound(c);
    const list = c.get('org').attachments.get(inv.InvoiceID) ?? [];
    return c.json(
      envelope(
        provider(c),
        state.clock.now(),
        'Attachments',
        list.map((a) => json(c, inv.InvoiceID, a)),
      ),
    );
  });

  app.get('/Invoices/:id/Attachments/:name', (c) => {
    const inv = invoiceOf(c);
    if (!inv) return notFound(c);
    const name = c.req.param('name');
    const list = c.get('org').attachments.get(inv.InvoiceID) ?? [];
    const found = list.find((a) => a.AttachmentID === name) ?? list.find((a) => a.FileName === name);
    if (!found) return notFound(c);
    return c.body(found.content, 200, { 'Content-Type': found.MimeType });
  });

  const upload = async (c: Context<AccountingEnv>) => {
    const inv = invoiceOf(c);
    if (!inv) return notFound(c);
    const fileName = c.req.param('name') ?? '';
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > MAX_ATTACHMENT_BYTES) {
      return c.json(
        problem(413, `The file is larger than Xero's 10 MB attachment limit (${bytes.byteLength} bytes)`),
        413,
      );
    }
    const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
    const mime = ext ? ATTACHMENT_TYPES[ext] : undefined;
    if (fileName.trim() === '' || fileName.length > 255 || /[\\/:*?"<>|]/.test(fileName)) {
      return c.json(requestValidationException(`"${fileName}" is not a valid file name`), 400);
    }
    if (!mime) {
      return c.json(
        requestValidationException(`Files of type "${ext ?? '(none)'}" cannot be attached (${fileName})`),
        400,
      );
    }
    if (bytes.byteLength === 0) {
      return c.json(requestValidationException(`The file ${fileName} is empty`), 400);
    }
    const org = c.get('org');
    const list = org.attachments.get(inv.InvoiceID) ?? [];
    if (list.length >= MAX_ATTACHMENTS_PER_RECORD && c.req.method === 'PUT') {
      return c.json(
        requestValidationException(
          `A document may hold at most ${MAX_ATTACHMENTS_PER_RECORD} attachments; ${inv.InvoiceNumber} already has ${list.length}`,
        ),
        400,
      );
    }
    const declared = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const stored: StoredAttachment = {
      AttachmentID: crypto.randomUUID(),
      FileName: fileName,
      MimeType: declared && declared !== 'application/octet-stream' ? declared : mime,
      ContentLength: bytes.byteLength,
      IncludeOnline: c.req.query('IncludeOnline') === 'true',
      content: bytes,
    };
    // PUT adds (even under a name already there); POST updates the file of that name.
    const replaced = c.req.method === 'POST' ? list.findIndex((a) => a.FileName === fileName) : -1;
    org.attachments.set(
      inv.InvoiceID,
      replaced >= 0 ? list.map((a, i) => (i === replaced ? stored : a)) : [...list, stored],
    );
    return c.json(envelope(provider(c), state.clock.now(), 'Attachments', [json(c, inv.InvoiceID, stored)]));
  };
  app.put('/Invoices/:id/Attachments/:name', upload);
  app.post('/Invoices/:id/Attachments/:name', upload);
  return app;
}
