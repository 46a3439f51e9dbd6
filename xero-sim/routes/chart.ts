/**
 * The organisation's chart under /api.xro/2.0: Accounts (read, and PUT to create one),
 * TaxRates and TrackingCategories. Mounted inside accountingRoutes, so auth, tenant, rate
 * limits and Idempotency-Key replay already apply.
 * https://developer.xero.com/documentation/api/accounting/accounts
 * https://developer.xero.com/documentation/api/accounting/taxrates
 * https://developer.xero.com/documentation/api/accounting/trackingcategories
 */
import type { Context, Hono } from 'hono';
import { effectiveTaxType, isRateValidForAccount, rateAccountMismatch } from '../chart-rules.ts';
import { ACCOUNT_CLASS, type AccountType, classesFor } from '../charts.ts';
import { requestValidationException, validationException } from '../errors.ts';
import type { SeedAccount } from '../seed.ts';
import type { OrgState, SimState } from '../state.ts';
import { msDate } from '../xero-json.ts';
import type { AccountingEnv } from './accounting.ts';

export interface ChartRouteHelpers {
  state: SimState;
  ok: (c: Context<AccountingEnv>, resource: string, items: unknown) => Response;
  filtered: <T extends Record<string, unknown>>(c: Context<AccountingEnv>, items: T[]) => T[] | Response;
  readJson: (c: Context<AccountingEnv>) => Promise<unknown>;
  notFound: (c: Context) => Response;
}

/** Xero's limits on PUT /Accounts (xero_accounting.yaml: Code max 10, Name max 150). */
const MAX_CODE = 10;
const MAX_NAME = 150;

export function chartRoutes(app: Hono<AccountingEnv>, h: ChartRouteHelpers): void {
  const { ok, filtered, readJson, notFound } = h;

  app.get('/Accounts', (c) => {
    const result = filtered(c, c.get('org').accounts.map(accountJson));
    return result instanceof Response ? result : ok(c, 'Accounts', result);
  });

  app.get('/Accounts/:id', (c) => {
    const account = c.get('org').accounts.find((a) => a.AccountID === c.req.param('id'));
    return account ? ok(c, 'Accounts', [accountJson(account)]) : notFound(c);
  });

  // PUT /Accounts creates one account. Codes and names are unique across the whole chart,
  // archived accounts included.
  app.put('/Accounts', async (c) => {
    const org = c.get('org');
    const body = (await readJson(c)) as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return c.json(requestValidationException('The request body is not valid JSON'), 400);
    }
    const input = Array.isArray(body.Accounts) ? (body.Accounts[0] as Record<string, unknown>) : body;
    const errors = validateNewAccount(org, input);
    if (errors.length) {
      return c.json(
        validationException([{ ...input, ValidationErrors: errors.map((Message) => ({ Message })) }]),
        400,
      );
    }
    const type = input.Type as AccountType;
    const account: SeedAccount = {
      AccountID: crypto.randomUUID(),
      Code: String(input.Code).trim(),
      Name: String(input.Name).trim(),
      Type: type,
      Class: ACCOUNT_CLASS[type],
      Status: 'ACTIVE',
      TaxType: typeof input.TaxType === 'string' ? input.TaxType : defaultTaxFor(org),
    };
    org.accounts.push(account);
    return ok(c, 'Accounts', [accountJson(account)]);
  });

  app.get('/TaxRates', (c) => {
    const list = c.get('org').taxRates.map((t) => {
      const classes = classesFor(t.ReportTaxType ?? 'NONE');
      return {
        Name: t.Name,
        TaxType: t.TaxType,
        ReportTaxType: t.ReportTaxType ?? 'NONE',
        CanApplyToAssets: classes.includes('ASSET'),
        CanApplyToEquity: classes.includes('EQUITY'),
        CanApplyToExpenses: classes.includes('EXPENSE'),
        CanApplyToLiabilities: classes.includes('LIABILITY'),
        CanApplyToRevenue: classes.includes('REVENUE'),
        DisplayTaxRate: t.Rate,
        EffectiveRate: t.Rate,
        Status: t.Status,
        TaxComponents: [{ Name: t.Name, Rate: t.Rate, IsCompound: false, IsNonRecoverable: false }],
      };
    });
    const result = filtered(c, list);
    return result instanceof Response ? result : ok(c, 'TaxRates', result);
  });

  app.get('/TrackingCategories', (c) => {
    const includeArchived = c.req.query('includeArchived') === 'true';
    const list = c
      .get('org')
      .trackingCategories.filter((t) => includeArchived || t.Status === 'ACTIVE')
      .map((t) => ({
        ...t,
        Options: t.Options.filter((o) => includeArchived || o.Status === 'ACTIVE'),
      }));
    const result = filtered(c, list as unknown as Record<string, unknown>[]);
    return result instanceof Response ? result : ok(c, 'TrackingCategories', result);
  });

  app.get('/TrackingCategories/:id', (c) => {
    const found = c.get('org').trackingCategories.find((t) => t.TrackingCategoryID === c.req.param('id'));
    return found ? ok(c, 'TrackingCategories', [found]) : notFound(c);
  });
}

/** Sim choice: a new account without a TaxType gets the region's "no tax" rate. */
function defaultTaxFor(org: OrgState): string {
  return effectiveTaxType(org, 'NONE');
}

/** Xero's refusals for a new account; wording marked (sim choice) in xero-sim/README.md where undocumented. */
function validateNewAccount(org: OrgState, input: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const code = typeof input.Code === 'string' ? input.Code.trim() : '';
  const name = typeof input.Name === 'string' ? input.Name.trim() : '';
  const type = typeof input.Type === 'string' ? input.Type : '';
  if (!code) errors.push('Please enter a Code.');
  else if (code.length > MAX_CODE) errors.push(`Code must not be more than ${MAX_CODE} characters long.`);
  else if (org.accounts.some((a) => a.Code.toLowerCase() === code.toLowerCase()))
    errors.push('Please enter a unique Code.');
  if (!name) errors.push('Please enter a Name.');
  else if (name.length > MAX_NAME) errors.push(`Name must not be more than ${MAX_NAME} characters long.`);
  else if (org.accounts.some((a) => a.Name.toLowerCase() === name.toLowerCase()))
    errors.push('Please enter a unique Name.');
  if (!(type in ACCOUNT_CLASS)) errors.push(`'${type}' is not a valid account Type.`);
  else if (type === 'BANK') errors.push('Bank accounts need a BankAccountNumber; create them in Xero.');
  if (typeof input.TaxType === 'string' && type in ACCOUNT_CLASS) {
    const rate = org.taxRates.find((t) => t.TaxType === input.TaxType && t.Status === 'ACTIVE');
    const probe = { Class: ACCOUNT_CLASS[type as AccountType] } as SeedAccount;
    if (!rate)
      errors.push(
        `The TaxType code '${input.TaxType}' does not exist or cannot be used for this type of transaction.`,
      );
    else if (!isRateValidForAccount(rate, probe))
      errors.push(rateAccountMismatch(String(input.TaxType), code));
  }
  return errors;
}

export function accountJson(a: SeedAccount): Record<string, unknown> {
  return {
    AccountID: a.AccountID,
    Code: a.Code,
    Name: a.Name,
    Status: a.Status,
    Type: a.Type,
    TaxType: a.TaxType,
    Class: a.Class,
    ...(a.SystemAccount ? { SystemAccount: a.SystemAccount } : {}),
    EnablePaymentsToAccount: false,
    ShowInExpenseClaims: false,
    BankAccountType: a.Type === 'BANK' ? 'BANK' : '',
    ReportingCode: '',
    HasAttachments: false,
    UpdatedDateUTC: msDate(Date.UTC(2021, 3, 1)),
    AddToWatchlist: false,
  };
}
