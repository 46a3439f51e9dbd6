/**
 * Invoice validation and totals, as Xero applies them on PUT/POST /Invoices. Invoice numbers
 * are unique among sales invoices (ACCREC) only; bills (ACCPAY) may repeat a number, as in
 * Xero (xero_accounting.yaml: "InvoiceNumber: ACCREC – Unique alpha numeric code"). Each rule
 * produces Xero's own message so clients can show it. Totals are exact (bigint 1/10000
 * units), with tax per line from the TaxRate and the LineAmountTypes.
 * https://developer.xero.com/documentation/api/accounting/invoices
 */
import { effectiveTaxType, isRateValidForAccount, rateAccountMismatch } from './chart-rules.ts';
import { currencyDecimals, mulDiv, roundUnits, toJsonDecimal, toNumber, toUnits } from './money.ts';
import type { OrgState, StoredContact, StoredInvoice, StoredLineItem } from './state.ts';
import { msDate, parseXeroDate, startOfUtcDay, xeroDateString } from './xero-json.ts';

export type InvoiceInput = Record<string, unknown>;

const LINE_AMOUNT_TYPES = ['Exclusive', 'Inclusive', 'NoTax'] as const;
const CREATE_STATUSES = ['DRAFT', 'SUBMITTED', 'AUTHORISED'];

/** Rough USD value of one unit, only to fill CurrencyRate when the caller gives none. */
const USD_VALUE: Record<string, number> = {
  USD: 1,
  GBP: 1.27,
  EUR: 1.08,
  NZD: 0.6,
  AUD: 0.66,
  CAD: 0.73,
  JPY: 0.0067,
  SEK: 0.095,
  PLN: 0.25,
  MXN: 0.058,
};

export interface BuildContext {
  now: number;
  isUnitdp4: boolean;
  /** ACCREC invoice numbers already claimed earlier in the same request. */
  claimedNumbers: Set<string>;
  existing?: StoredInvoice;
}

export interface BuildResult {
  invoice?: StoredInvoice;
  newContact?: StoredContact;
  errors: string[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function findAccount(org: OrgState, code: string) {
  return org.accounts.find((a) => a.Code.toLowerCase() === code.toLowerCase());
}

/** Validates one invoice (new, or `ctx.existing` with `input` applied) and computes it. */
export function buildInvoice(org: OrgState, input: InvoiceInput, ctx: BuildContext): BuildResult {
  const errors: string[] = [];
  const existing = ctx.existing;
  const base = existing ? storedToInput(org, existing) : {};
  const merged: InvoiceInput = { ...base, ...input };

  const type = merged.Type;
  if (type !== 'ACCREC' && type !== 'ACCPAY') errors.push('Invoice Type must be ACCREC or ACCPAY.');

  const status = str(merged.Status) ?? 'DRAFT';
  if (!existing && !CREATE_STATUSES.includes(status)) errors.push('Invoice not of valid status for creation');
  if (existing) {
    const statusError = checkTransition(existing.Status, status);
    if (statusError) return { errors: [statusError] };
    if (status === 'VOIDED' || status === 'DELETED') {
      return { errors: [], invoice: { ...existing, Status: status, UpdatedDateUTC: ctx.now } };
    }
  }

  // Contact: by ContactID, else by name; an unknown name creates the contact, as Xero does.
  let contactId: string | undefined;
  let newContact: StoredContact | undefined;
  const contact = merged.Contact as Record<string, unknown> | undefined;
  const contactIdIn = str(contact?.ContactID);
  const contactName = str(contact?.Name);
  if (contactIdIn) {
    if (org.contacts.has(contactIdIn)) contactId = contactIdIn;
    else errors.push('The contact with the specified ContactID could not be found.');
  } else if (contactName) {
    const found = [...org.contacts.values()].find(
      (k) => k.ContactStatus === 'ACTIVE' && k.Name.toLowerCase() === contactName.toLowerCase(),
    );
    if (found) contactId = found.ContactID;
    else {
      newContact = {
        ContactID: crypto.randomUUID(),
        Name: contactName,
        ContactStatus: 'ACTIVE',
        UpdatedDateUTC: ctx.now,
      };
      contactId = newContact.ContactID;
    }
  } else {
    errors.push('A Contact must be specified for this type of transaction');
  }

  const currency = (str(merged.CurrencyCode) ?? org.seed.BaseCurrency).toUpperCase();
  if (currency !== org.seed.BaseCurrency && !org.currencies.includes(currency)) {
    errors.push(`Organisation is not subscribed to currency ${currency}`);
  }

  const lineAmountTypes = (str(merged.LineAmountTypes) ?? 'Exclusive') as StoredInvoice['LineAmountTypes'];
  if (!LINE_AMOUNT_TYPES.includes(lineAmountTypes)) {
    errors.push(`LineAmountTypes must be one of ${LINE_AMOUNT_TYPES.join(', ')}`);
  }

  const date =
    merged.Date === undefined || merged.Date === null ? startOfUtcDay(ctx.now) : parseXeroDate(merged.Date);
  if (date === undefined) errors.push('The Date is not in a valid format.');
  let dueDate: number | undefined;
  if (merged.DueDate !== undefined && merged.DueDate !== null) {
    dueDate = parseXeroDate(merged.DueDate);
    if (dueDate === undefined) errors.push('The DueDate is not in a valid format.');
  }

  const dp = currencyDecimals(currency);
  const lineInputs = Array.isArray(merged.LineItems) ? (merged.LineItems as Record<string, unknown>[]) : [];
  if (status !== 'DRAFT' && lineInputs.length === 0) errors.push('At least one line item is required.');
  const lines: StoredLineItem[] = [];
  for (const raw of lineInputs) {
    const line = buildLine(org, raw, { dp, lineAmountTypes, isUnitdp4: ctx.isUnitdp4, status }, errors);
    if (line) lines.push(line);
  }

  let subTotal = 0n;
  let totalTax = 0n;
  for (const line of lines) {
    totalTax += line.TaxAmount;
    subTotal += lineAmountTypes === 'Inclusive' ? line.LineAmount - line.TaxAmount : line.LineAmount;
  }
  const total = subTotal + totalTax;
  // A negative settlement must go in as a bill or credit note; Xero refuses it as an invoice.
  if (total < 0n) errors.push('The invoice total cannot be negative.');

  let number = str(merged.InvoiceNumber);
  if (type === 'ACCREC') {
    if (number) {
      const key = number.toLowerCase();
      const clash = [...org.invoices.values()].some(
        (inv) =>
          inv.Type === 'ACCREC' &&
          inv.InvoiceID !== existing?.InvoiceID &&
          inv.Status !== 'DELETED' &&
          inv.InvoiceNumber.toLowerCase() === key,
      );
      if (clash || ctx.claimedNumbers.has(key)) errors.push('Invoice # must be unique.');
    }
  }

  if (errors.length > 0) return { errors };
  if (type === 'ACCREC' && number) ctx.claimedNumbers.add(number.toLowerCase());
  if (!number) number = type === 'ACCREC' ? `INV-${String(org.nextInvoiceNumber++).padStart(4, '0')}` : '';

  const rateIn =
    typeof merged.CurrencyRate === 'number' && merged.CurrencyRate > 0 ? merged.CurrencyRate : undefined;
  const invoice: StoredInvoice = {
    InvoiceID: existing?.InvoiceID ?? crypto.randomUUID(),
    Type: type as StoredInvoice['Type'],
    InvoiceNumber: number,
    // Xero keeps Reference on sales invoices only ("ACCREC only", xero_accounting.yaml Invoice.Reference).
    Reference: type === 'ACCREC' ? str(merged.Reference) : undefined,
    ContactID: contactId as string,
    Date: date as number,
    DueDate: dueDate,
    Status: status as StoredInvoice['Status'],
    LineAmountTypes: lineAmountTypes,
    CurrencyCode: currency,
    CurrencyRate:
      currency === org.seed.BaseCurrency
        ? 1
        : (rateIn ??
          Number(((USD_VALUE[org.seed.BaseCurrency] ?? 1) / (USD_VALUE[currency] ?? 1)).toFixed(6))),
    LineItems: lines,
    SubTotal: subTotal,
    TotalTax: totalTax,
    Total: total,
    UpdatedDateUTC: ctx.now,
    isUnitdp4: ctx.isUnitdp4,
  };
  return { errors: [], invoice, newContact };
}

function checkTransition(from: StoredInvoice['Status'], to: string): string | undefined {
  if (from === 'VOIDED' || from === 'DELETED')
    return 'This document cannot be edited as it has been voided or deleted.';
  if (to === from) return undefined;
  const allowed: Record<string, string[]> = {
    DRAFT: ['SUBMITTED', 'AUTHORISED', 'DELETED'],
    SUBMITTED: ['DRAFT', 'AUTHORISED', 'DELETED'],
    // Approved invoices can only be voided, never deleted or sent back to draft.
    AUTHORISED: ['VOIDED'],
  };
  return allowed[from]?.includes(to) ? undefined : `Invoice not of valid status for modification`;
}

function buildLine(
  org: OrgState,
  raw: Record<string, unknown>,
  opts: { dp: number; lineAmountTypes: string; isUnitdp4: boolean; status: string },
  errors: string[],
): StoredLineItem | undefined {
  const before = errors.length;
  const description = str(raw.Description);
  if (!description && !str(raw.ItemCode)) errors.push('Description is required for each line item.');

  const code = str(raw.AccountCode);
  const account = code ? findAccount(org, code) : undefined;
  if (code) {
    if (!account || account.Type === 'BANK' || account.SystemAccount) {
      errors.push(`Account code '${code}' is not a valid code for this document.`);
    } else if (account.Status !== 'ACTIVE') {
      errors.push(
        `Account code '${code}' has been archived, or has been deleted. Each line item must reference a valid account.`,
      );
    }
  } else if (opts.status !== 'DRAFT') {
    errors.push('Each line item must have an account code for an approved document.');
  }

  let taxType = str(raw.TaxType) ?? account?.TaxType ?? 'NONE';
  if (opts.lineAmountTypes === 'NoTax') taxType = 'NONE';
  taxType = effectiveTaxType(org, taxType);
  const taxRate = org.taxRates.find((t) => t.TaxType === taxType && t.Status === 'ACTIVE');
  if (!taxRate)
    errors.push(
      `The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`,
    );
  else if (account && code && opts.lineAmountTypes !== 'NoTax' && !isRateValidForAccount(taxRate, account))
    errors.push(rateAccountMismatch(taxType, code));

  // Tracking names an active category and one of its active options, at most two categories
  // per line (LineItem.Tracking, xero_accounting.yaml). Wording: sim choice.
  const tracking = Array.isArray(raw.Tracking) ? (raw.Tracking as Record<string, unknown>[]) : [];
  if (tracking.length > 2) errors.push('A line item can have at most 2 tracking categories.');
  for (const t of tracking) {
    const name = str(t?.Name);
    const option = str(t?.Option);
    const category = org.trackingCategories.find(
      (c) => c.Status === 'ACTIVE' && c.Name.toLowerCase() === (name ?? '').toLowerCase(),
    );
    if (!category) errors.push(`Tracking category '${name ?? ''}' does not exist or is archived.`);
    else if (
      !category.Options.some(
        (o) => o.Status === 'ACTIVE' && o.Name.toLowerCase() === (option ?? '').toLowerCase(),
      )
    )
      errors.push(`Tracking option '${option ?? ''}' does not exist or is archived in '${category.Name}'.`);
  }

  const quantity = raw.Quantity === undefined || raw.Quantity === null ? 10_000n : toUnits(raw.Quantity);
  if (quantity === undefined) errors.push('Quantity must be a number.');
  let unit = raw.UnitAmount === undefined || raw.UnitAmount === null ? undefined : toUnits(raw.UnitAmount);
  if (raw.UnitAmount !== undefined && raw.UnitAmount !== null && unit === undefined)
    errors.push('UnitAmount must be a number.');
  const lineAmountIn = raw.LineAmount === undefined ? undefined : toUnits(raw.LineAmount);
  if (errors.length > before || quantity === undefined) return undefined;

  if (unit === undefined) {
    unit = lineAmountIn !== undefined && quantity !== 0n ? mulDiv(lineAmountIn, 10_000n, quantity) : 0n;
  }
  // Without unitdp=4 Xero keeps two decimals on unit amounts.
  unit = roundUnits(unit, opts.isUnitdp4 ? 4 : 2);
  const lineAmount = roundUnits(mulDiv(quantity, unit, 10_000n), opts.dp);
  const rate = toUnits(taxRate?.Rate ?? 0) ?? 0n; // percent in 1/10000
  let tax = 0n;
  if (opts.lineAmountTypes === 'Exclusive') tax = mulDiv(lineAmount, rate, 1_000_000n);
  if (opts.lineAmountTypes === 'Inclusive') tax = mulDiv(lineAmount, rate, 1_000_000n + rate);
  tax = roundUnits(tax, opts.dp);

  return {
    LineItemID: str(raw.LineItemID) ?? crypto.randomUUID(),
    Description: description,
    Quantity: quantity,
    UnitAmount: unit,
    AccountCode: account?.Code,
    AccountID: account?.AccountID,
    TaxType: taxType,
    TaxAmount: tax,
    LineAmount: lineAmount,
    Tracking: Array.isArray(raw.Tracking) ? raw.Tracking : [],
  };
}

/** The stored invoice as input fields, so an update can overlay only what it changes. */
function storedToInput(org: OrgState, inv: StoredInvoice): InvoiceInput {
  return {
    Type: inv.Type,
    InvoiceNumber: inv.InvoiceNumber,
    Reference: inv.Reference,
    Contact: { ContactID: inv.ContactID },
    Date: msDate(inv.Date),
    DueDate: inv.DueDate === undefined ? undefined : msDate(inv.DueDate),
    Status: inv.Status,
    LineAmountTypes: inv.LineAmountTypes,
    CurrencyCode: inv.CurrencyCode,
    CurrencyRate: inv.CurrencyCode === org.seed.BaseCurrency ? undefined : inv.CurrencyRate,
    LineItems: inv.LineItems.map((l) => ({
      LineItemID: l.LineItemID,
      Description: l.Description,
      Quantity: toNumber(l.Quantity),
      UnitAmount: toNumber(l.UnitAmount),
      AccountCode: l.AccountCode,
      TaxType: l.TaxType,
      Tracking: l.Tracking,
    })),
  };
}

export function contactJson(contact: StoredContact): Record<string, unknown> {
  return {
    ...contact,
    UpdatedDateUTC: msDate(contact.UpdatedDateUTC),
    Addresses: [],
    Phones: [],
    ContactGroups: [],
    ContactPersons: [],
    HasValidationErrors: false,
  };
}

/** The invoice as Xero renders it in JSON. */
export function invoiceJson(
  org: OrgState,
  inv: StoredInvoice,
  options: { unitdp4: boolean },
): Record<string, unknown> {
  const contact = org.contacts.get(inv.ContactID);
  const unitDp = options.unitdp4 ? 4 : 2;
  const isOpen = inv.Status !== 'VOIDED' && inv.Status !== 'DELETED';
  return {
    Type: inv.Type,
    InvoiceID: inv.InvoiceID,
    InvoiceNumber: inv.InvoiceNumber,
    Reference: inv.Reference ?? '',
    Payments: [],
    CreditNotes: [],
    Prepayments: [],
    Overpayments: [],
    AmountDue: isOpen ? toJsonDecimal(inv.Total) : 0,
    AmountPaid: 0,
    AmountCredited: 0,
    CurrencyRate: inv.CurrencyRate,
    IsDiscounted: false,
    HasAttachments: (org.attachments.get(inv.InvoiceID)?.length ?? 0) > 0,
    HasErrors: false,
    Contact: contact
      ? { ContactID: contact.ContactID, Name: contact.Name, HasValidationErrors: false }
      : { ContactID: inv.ContactID },
    DateString: xeroDateString(inv.Date),
    Date: msDate(inv.Date),
    ...(inv.DueDate === undefined
      ? {}
      : { DueDateString: xeroDateString(inv.DueDate), DueDate: msDate(inv.DueDate) }),
    Status: inv.Status,
    LineAmountTypes: inv.LineAmountTypes,
    LineItems: inv.LineItems.map((l) => ({
      LineItemID: l.LineItemID,
      Description: l.Description ?? '',
      Quantity: toNumber(l.Quantity),
      UnitAmount: toJsonDecimal(roundUnits(l.UnitAmount, unitDp)),
      ...(l.AccountCode ? { AccountCode: l.AccountCode, AccountID: l.AccountID } : {}),
      TaxType: l.TaxType,
      TaxAmount: toJsonDecimal(l.TaxAmount),
      LineAmount: toJsonDecimal(l.LineAmount),
      Tracking: l.Tracking,
    })),
    SubTotal: toJsonDecimal(inv.SubTotal),
    TotalTax: toJsonDecimal(inv.TotalTax),
    Total: toJsonDecimal(inv.Total),
    UpdatedDateUTC: msDate(inv.UpdatedDateUTC),
    CurrencyCode: inv.CurrencyCode,
  };
}
