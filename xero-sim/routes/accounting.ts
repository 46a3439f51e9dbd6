/**
 * The Accounting API under /api.xro/2.0. Each call passes, in order: the bearer token
 * (401), the `xero-tenant-id` connection (403), the organisation's rate limits (429), the
 * Idempotency-Key replay, then the resource handler.
 * https://developer.xero.com/documentation/api/accounting/overview
 */
import { type Context, Hono } from 'hono';
import {
  isSafeNumber,
  LosslessNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';
import { authenticate, connectionFor } from '../auth.ts';
import type { SimDeps } from '../deps.ts';
import {
  problem,
  requestValidationException,
  type ValidationElement,
  validationException,
} from '../errors.ts';
import { fingerprint, MAX_IDEMPOTENCY_KEY_LENGTH } from '../idempotency.ts';
import { buildInvoice, contactJson, type InvoiceInput, invoiceJson } from '../invoices.ts';
import type { AccessTokenRecord, OrgState, StoredContact, StoredInvoice } from '../state.ts';
import { compileWhere, WhereSyntaxError } from '../where.ts';
import { envelope, msDate } from '../xero-json.ts';
import { attachmentRoutes } from './attachments.ts';
import { chartRoutes } from './chart.ts';

export type AccountingEnv = { Variables: { token: AccessTokenRecord; org: OrgState } };
type Env = AccountingEnv;

export const MAX_INVOICES_PER_CALL = 50;
/** Xero refuses a PUT/POST body over 3.5 MB (https://developer.xero.com/documentation/api/accounting/overview). */
export const MAX_REQUEST_BYTES = 3.5 * 1024 * 1024;
const PAGE_SIZE = 100;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where the sim's call log and fault middleware find which tenant a call was for. */
export const TENANT_HEADER = 'xero-tenant-id';

export function accountingRoutes(deps: SimDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { state } = deps;

  app.use('*', async (c, next) => {
    const auth = authenticate(state, c.req.header('authorization'));
    if (!auth.isOk) return c.json(auth.body, auth.status, auth.headers);
    const tenantId = c.req.header(TENANT_HEADER) ?? '';
    const org = state.orgs.get(tenantId);
    // Disconnected (by DELETE /connections or from inside Xero) or never connected: 403.
    if (!org || !connectionFor(state, auth.token, tenantId)) {
      return c.json(problem(403, 'AuthenticationUnsuccessful'), 403);
    }
    const admission = state.limiter.admit(tenantId, auth.token.clientId);
    if (!admission.isAllowed) {
      state.counts.rateLimited++;
      return c.json(problem(429, `Rate limit exceeded: ${admission.problem}`), 429, {
        ...admission.headers,
        'Retry-After': String(admission.retryAfterSeconds),
        'X-Rate-Limit-Problem': admission.problem,
      });
    }
    c.set('token', auth.token);
    c.set('org', org);
    try {
      if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
      await next();
    } finally {
      admission.release();
    }
    for (const [name, value] of Object.entries(admission.headers)) c.res.headers.set(name, value);
  });

  app.use('*', async (c, next) => {
    if (!['PUT', 'POST'].includes(c.req.method)) return next();
    // A file upload has its own 10 MB limit (routes/attachments.ts), not the 3.5 MB one.
    if (/\/Attachments\/[^/]+$/.test(new URL(c.req.url).pathname)) return next();
    const length = Number(c.req.header('content-length') ?? 0);
    const size = length > 0 ? length : (await c.req.raw.clone().arrayBuffer()).byteLength;
    if (size > MAX_REQUEST_BYTES) {
      return c.json(problem(413, `The request is larger than Xero's 3.5 MB limit (${size} bytes)`), 413);
    }
    return next();
  });

  app.use('*', async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined || !['PUT', 'POST', 'PATCH'].includes(c.req.method)) return next();
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      return c.json(
        requestValidationException(
          `Idempotency-Key must be between 1 and ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
        ),
        400,
      );
    }
    const url = new URL(c.req.url);
    const print = fingerprint(c.req.method, url.pathname + url.search, await c.req.text());
    const scope = `${c.get('token').clientId}\u0000${c.get('org').tenantId}`;
    const lookup = await state.idempotency.begin(scope, key, print);
    if (lookup.kind === 'mismatch') {
      return c.json(
        requestValidationException('This Idempotency-Key has already been used for a different request'),
        400,
      );
    }
    if (lookup.kind === 'replay') {
      c.header('Idempotent-Replayed', 'true');
      return c.body(lookup.response.body, lookup.response.status as 200, {
        'Content-Type': lookup.response.contentType,
      });
    }
    try {
      await next();
      const res = c.res;
      // Server errors are not remembered, so a retry can still succeed.
      lookup.settle(
        res.status < 500
          ? {
              status: res.status,
              body: await res.clone().text(),
              contentType: res.headers.get('content-type') ?? 'application/json',
            }
          : undefined,
      );
    } catch (error) {
      lookup.settle(undefined);
      throw error;
    }
  });

  const provider = (c: Context<Env>) => state.clients.get(c.get('token').clientId)?.name ?? 'Xero (sim)';
  // Amounts are written digit for digit (lossless-json), as Xero's .NET decimals are.
  const ok = (c: Context<Env>, resource: string, items: unknown) =>
    c.body(stringifyLossless(envelope(provider(c), state.clock.now(), resource, items)) ?? '', 200, {
      'Content-Type': 'application/json; charset=utf-8',
    });

  function filtered<T extends Record<string, unknown>>(c: Context<Env>, items: T[]): T[] | Response {
    const where = c.req.query('where');
    if (!where) return items;
    try {
      const predicate = compileWhere(where);
      return items.filter(predicate);
    } catch (error) {
      if (error instanceof WhereSyntaxError) return c.json(requestValidationException(error.message), 400);
      throw error;
    }
  }

  /** Numbers beyond a double's precision stay exact (as LosslessNumber) for money parsing. */
  async function readJson(c: Context<Env>): Promise<unknown> {
    try {
      return parseLossless(await c.req.text(), null, (text) =>
        isSafeNumber(text) ? Number(text) : new LosslessNumber(text),
      );
    } catch {
      return undefined;
    }
  }

  // Organisation and plan
  app.get('/Organisation', (c) => ok(c, 'Organisations', [organisationJson(c.get('org'))]));

  app.get('/Organisation/Actions', (c) => {
    const org = c.get('org');
    const allowed = (yes: boolean) => (yes ? 'ALLOWED' : 'NOT-ALLOWED');
    return ok(c, 'Actions', [
      { Name: 'UseMulticurrency', Status: allowed(org.hasMulticurrency) },
      { Name: 'CreateApprovedInvoice', Status: 'ALLOWED' },
      { Name: 'CreateDraftInvoice', Status: 'ALLOWED' },
      { Name: 'CreateApprovedBill', Status: 'ALLOWED' },
      { Name: 'CreateDraftBill', Status: 'ALLOWED' },
      { Name: 'CreateContacts', Status: 'ALLOWED' },
    ]);
  });

  // Currencies: the base one plus those enabled; adding needs a multi-currency plan.
  // https://developer.xero.com/documentation/api/accounting/currencies
  app.get('/Currencies', (c) => {
    const org = c.get('org');
    const list = [org.seed.BaseCurrency, ...org.currencies].map(currencyJson);
    const result = filtered(c, list);
    return result instanceof Response ? result : ok(c, 'Currencies', result);
  });

  app.put('/Currencies', async (c) => {
    const org = c.get('org');
    const body = (await readJson(c)) as Record<string, unknown> | undefined;
    const input = Array.isArray(body?.Currencies) ? (body.Currencies as Record<string, unknown>[])[0] : body;
    const code = typeof input?.Code === 'string' ? input.Code.toUpperCase() : '';
    if (!org.hasMulticurrency) {
      return c.json(requestValidationException('This organisation is not subscribed to multi-currency'), 400);
    }
    if (!/^[A-Z]{3}$/.test(code) || !CURRENCY_NAMES[code]) {
      return c.json(requestValidationException(`'${code}' is not a valid currency code`), 400);
    }
    if (code !== org.seed.BaseCurrency && !org.currencies.includes(code)) org.currencies.push(code);
    return ok(c, 'Currencies', [currencyJson(code)]);
  });

  chartRoutes(app, { state, ok, filtered, readJson, notFound });

  // Contacts
  app.get('/Contacts', (c) => {
    const list = [...c.get('org').contacts.values()].map(contactJson);
    const result = filtered(c, list);
    return result instanceof Response ? result : ok(c, 'Contacts', result);
  });

  app.get('/Contacts/:id', (c) => {
    const contact = c.get('org').contacts.get(c.req.param('id'));
    return contact ? ok(c, 'Contacts', [contactJson(contact)]) : notFound(c);
  });

  const saveContacts = async (c: Context<Env>) => {
    const org = c.get('org');
    const body = (await readJson(c)) as Record<string, unknown> | undefined;
    const inputs = listFrom(body, 'Contacts');
    if (!inputs) return c.json(requestValidationException('The request body is not valid JSON'), 400);
    const isUpdateAllowed = c.req.method === 'POST';
    const results: Record<string, unknown>[] = [];
    const failed: ValidationElement[] = [];
    const accepted: StoredContact[] = [];
    for (const input of inputs) {
      const name = typeof input.Name === 'string' ? input.Name.trim() : '';
      const id = typeof input.ContactID === 'string' ? input.ContactID : undefined;
      const existing = id ? org.contacts.get(id) : undefined;
      const errors: string[] = [];
      if (id && !existing) errors.push('The contact with the specified ContactID could not be found.');
      if (existing && !isUpdateAllowed) errors.push('Use POST to update an existing contact.');
      if (!existing && !name) errors.push('The contact name must be specified.');
      const clash = [...org.contacts.values(), ...accepted].some(
        (k) =>
          k.ContactStatus === 'ACTIVE' && k.ContactID !== id && k.Name.toLowerCase() === name.toLowerCase(),
      );
      if (name && clash) {
        errors.push(
          `The contact name ${name} is already assigned to another contact. The contact name must be unique across all active contacts.`,
        );
      }
      if (errors.length) {
        failed.push({ ...input, ValidationErrors: errors.map((Message) => ({ Message })) });
        continue;
      }
      const { ValidationErrors: _, ...fields } = input;
      const stored: StoredContact = {
        ...(existing ?? {}),
        ...fields,
        ContactID: existing?.ContactID ?? crypto.randomUUID(),
        Name: name || (existing?.Name as string),
        ContactStatus: 'ACTIVE',
        UpdatedDateUTC: state.clock.now(),
      };
      accepted.push(stored);
    }
    if (failed.length) return c.json(validationException(failed), 400);
    for (const contact of accepted) {
      org.contacts.set(contact.ContactID, contact);
      results.push(contactJson(contact));
    }
    return ok(c, 'Contacts', results);
  };
  app.put('/Contacts', saveContacts);
  app.post('/Contacts', saveContacts);

  // Invoices
  app.get('/Invoices', (c) => {
    const org = c.get('org');
    const unitdp4 = c.req.query('unitdp') === '4';
    const csv = (name: string) =>
      c.req
        .query(name)
        ?.split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
    const ids = csv('IDs');
    const numbers = csv('InvoiceNumbers');
    const contactIds = csv('ContactIDs');
    const statuses = csv('Statuses');
    const list = [...org.invoices.values()].filter(
      (inv) =>
        (!ids || ids.includes(inv.InvoiceID.toLowerCase())) &&
        (!numbers || numbers.includes(inv.InvoiceNumber.toLowerCase())) &&
        (!contactIds || contactIds.includes(inv.ContactID.toLowerCase())) &&
        (statuses ? statuses.includes(inv.Status.toLowerCase()) : inv.Status !== 'DELETED'),
    );
    const rendered = filtered(
      c,
      list.map((inv) => invoiceJson(org, inv, { unitdp4 })),
    );
    if (rendered instanceof Response) return rendered;
    const page = Number(c.req.query('page') ?? 0);
    if (page >= 1) {
      const size = Math.min(1000, Math.max(1, Number(c.req.query('pageSize') ?? PAGE_SIZE)));
      const body = envelope(
        provider(c),
        state.clock.now(),
        'Invoices',
        rendered.slice((page - 1) * size, page * size),
      );
      body.pagination = {
        page,
        pageSize: size,
        pageCount: Math.ceil(rendered.length / size),
        itemCount: rendered.length,
      };
      return c.body(stringifyLossless(body) ?? '', 200, {
        'Content-Type': 'application/json; charset=utf-8',
      });
    }
    return ok(c, 'Invoices', rendered);
  });

  // Xero accepts either the InvoiceID or the InvoiceNumber in the path.
  app.get('/Invoices/:id', (c) => {
    const org = c.get('org');
    const inv = findInvoice(org, c.req.param('id'));
    return inv
      ? ok(c, 'Invoices', [invoiceJson(org, inv, { unitdp4: c.req.query('unitdp') === '4' })])
      : notFound(c);
  });

  const saveInvoices = (mode: 'create' | 'upsert') => async (c: Context<Env>) => {
    const org = c.get('org');
    const body = await readJson(c);
    const inputs = listFrom(body, 'Invoices');
    if (!inputs) return c.json(requestValidationException('The request body is not valid JSON'), 400);
    if (inputs.length > MAX_INVOICES_PER_CALL) {
      return c.json(
        requestValidationException(
          `No more than ${MAX_INVOICES_PER_CALL} invoices may be sent in one request`,
        ),
        400,
      );
    }
    const pathId = c.req.param('id');
    const isSummarised = c.req.query('summarizeErrors') !== 'false';
    const unitdp4 = c.req.query('unitdp') === '4';
    const claimedNumbers = new Set<string>();
    const now = state.clock.now();
    const outcomes = inputs.map((input) => {
      let existing: StoredInvoice | undefined;
      if (pathId) existing = findInvoice(org, pathId);
      else if (mode === 'upsert') {
        const id = typeof input.InvoiceID === 'string' ? input.InvoiceID : undefined;
        existing = id ? org.invoices.get(id) : undefined;
        if (!existing && typeof input.InvoiceNumber === 'string' && input.Type !== 'ACCPAY') {
          existing = findByNumber(org, input.InvoiceNumber);
        }
      }
      if (pathId && !existing) return { input, result: { errors: ['Invoice could not be found'] } };
      return {
        input,
        result: buildInvoice(org, input, { now, isUnitdp4: unitdp4, claimedNumbers, existing }),
      };
    });
    const failures = outcomes.filter((o) => o.result.errors.length > 0);
    const toElement = (o: (typeof outcomes)[number]): ValidationElement => ({
      ...o.input,
      HasErrors: true,
      StatusAttributeString: 'ERROR',
      ValidationErrors: o.result.errors.map((Message) => ({ Message })),
    });
    // Default: one bad invoice fails the call and nothing is saved.
    if (isSummarised && failures.length > 0) return c.json(validationException(failures.map(toElement)), 400);
    const rendered = outcomes.map((o) => {
      const { invoice, newContact } = o.result as { invoice?: StoredInvoice; newContact?: StoredContact };
      if (!invoice) return toElement(o);
      if (newContact) org.contacts.set(newContact.ContactID, newContact);
      org.invoices.set(invoice.InvoiceID, invoice);
      return { ...invoiceJson(org, invoice, { unitdp4 }), StatusAttributeString: 'OK' };
    });
    return ok(c, 'Invoices', rendered);
  };
  app.put('/Invoices', saveInvoices('create'));
  app.post('/Invoices', saveInvoices('upsert'));
  app.post('/Invoices/:id', saveInvoices('upsert'));

  app.route('/', attachmentRoutes(deps));

  app.notFound((c) => c.json(problem(404, 'The resource you are looking for cannot be found'), 404));
  return app;
}

function notFound(c: Context): Response {
  return c.json(problem(404, 'The resource you are looking for cannot be found'), 404);
}

/** Xero takes `{ Invoices: [...] }`, a bare array, or one object. */
function listFrom(body: unknown, resource: string): InvoiceInput[] | undefined {
  if (Array.isArray(body)) return body as InvoiceInput[];
  if (body && typeof body === 'object') {
    const inner = (body as Record<string, unknown>)[resource];
    if (Array.isArray(inner)) return inner as InvoiceInput[];
    return [body as InvoiceInput];
  }
  return undefined;
}

function findByNumber(org: OrgState, number: string): StoredInvoice | undefined {
  const key = number.toLowerCase();
  for (const inv of org.invoices.values()) {
    if (inv.Type === 'ACCREC' && inv.Status !== 'DELETED' && inv.InvoiceNumber.toLowerCase() === key)
      return inv;
  }
  return undefined;
}

function findInvoice(org: OrgState, idOrNumber: string): StoredInvoice | undefined {
  return GUID.test(idOrNumber) ? org.invoices.get(idOrNumber.toLowerCase()) : findByNumber(org, idOrNumber);
}

function organisationJson(org: OrgState): Record<string, unknown> {
  const s = org.seed;
  const created = Date.UTC(2021, 3, 1);
  return {
    OrganisationID: s.OrganisationID,
    APIKey: '',
    Name: s.Name,
    LegalName: s.LegalName,
    PaysTax: true,
    Version: s.Version,
    OrganisationType: 'COMPANY',
    BaseCurrency: s.BaseCurrency,
    CountryCode: s.CountryCode,
    IsDemoCompany: false,
    OrganisationStatus: 'ACTIVE',
    FinancialYearEndDay: 31,
    FinancialYearEndMonth: 3,
    SalesTaxBasis: s.CountryCode === 'GB' ? 'ACCRUAL' : 'INVOICE',
    SalesTaxPeriod: s.CountryCode === 'GB' ? 'QUARTERLY1' : 'TWOMONTHS',
    DefaultSalesTax: 'Tax Exclusive',
    DefaultPurchasesTax: 'Tax Inclusive',
    CreatedDateUTC: msDate(created),
    OrganisationEntityType: 'COMPANY',
    Timezone: s.Timezone,
    ShortCode: s.ShortCode,
    Edition: 'BUSINESS',
    Class: s.Class,
    Addresses: [],
    Phones: [],
    ExternalLinks: [],
    PaymentTerms: {},
  };
}

const CURRENCY_NAMES: Record<string, string> = {
  AUD: 'Australian Dollar',
  CAD: 'Canadian Dollar',
  EUR: 'Euro',
  GBP: 'British Pound',
  JPY: 'Japanese Yen',
  MXN: 'Mexican Peso',
  NZD: 'New Zealand Dollar',
  PLN: 'Polish Zloty',
  SEK: 'Swedish Krona',
  SGD: 'Singapore Dollar',
  USD: 'United States Dollar',
  AED: 'UAE Dirham',
  BRL: 'Brazilian Real',
  INR: 'Indian Rupee',
  TRY: 'Turkish Lira',
  ZAR: 'South African Rand',
  SAR: 'Saudi Riyal',
  EGP: 'Egyptian Pound',
};

function currencyJson(code: string): Record<string, string> {
  return { Code: code, Description: CURRENCY_NAMES[code] ?? code };
}
