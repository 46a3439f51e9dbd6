/**
 * Books setup, the pure part: the settlement line groups a user maps, suggestions drawn from
 * the organisation's own chart (by class and name, never by a code assumed from another
 * chart), the plan for "Create Amazon accounts for me" (free codes found in the chart), and
 * the mapping document the settlement engine consumes (lib/settlement/mapping.ts).
 */
import type { AccountClass, BooksAccount, NewAccount, OrganisationBooks } from '../relay-api.ts';
import type { MappingRule, SettlementMappingInput } from '../settlement/mapping.ts';
import { isPostable } from './check.ts';

export const LINE_GROUPS = [
  'sales',
  'refunds',
  'shipping',
  'promotions',
  'salesTax',
  'facilitatorTax',
  'commissions',
  'fbaFees',
  'storageFees',
  'advertising',
  'subscription',
  'reimbursements',
  'reserves',
  'otherFees',
  'unmapped',
  'clearing',
  'discrepancy',
] as const;
export type LineGroup = (typeof LINE_GROUPS)[number];

type NewType = NewAccount['type'];

interface GroupSpec {
  label: string;
  /** Classes an account for this group may sensibly have. */
  classes: AccountClass[];
  /** Names that fit, best first (matched case-insensitively against the account name). */
  names: RegExp[];
  /** The account "Create Amazon accounts for me" adds. */
  create: { name: string; type: NewType };
  /** Whether the group is income (sales tax rate) or a cost (purchase rate) or neither. */
  side: 'income' | 'cost' | 'balance';
}

export const GROUP_SPECS: Record<LineGroup, GroupSpec> = {
  sales: {
    label: 'Sales',
    classes: ['REVENUE'],
    names: [/amazon.*sales/i, /^sales$/i, /^sales\b/i],
    create: { name: 'Amazon Sales', type: 'REVENUE' },
    side: 'income',
  },
  refunds: {
    label: 'Refunds',
    classes: ['REVENUE'],
    names: [/amazon.*refund/i, /refund/i, /^sales$/i],
    create: { name: 'Amazon Refunds', type: 'REVENUE' },
    side: 'income',
  },
  shipping: {
    label: 'Shipping income',
    classes: ['REVENUE'],
    names: [/amazon.*shipping/i, /shipping|postage|delivery income/i, /^sales$/i],
    create: { name: 'Amazon Shipping Income', type: 'REVENUE' },
    side: 'income',
  },
  promotions: {
    label: 'Promotions',
    classes: ['REVENUE'],
    names: [/amazon.*promotion/i, /promotion|discount/i],
    create: { name: 'Amazon Promotions', type: 'REVENUE' },
    side: 'income',
  },
  salesTax: {
    label: 'Sales tax collected',
    classes: ['LIABILITY'],
    names: [/amazon.*(sales )?tax/i, /sales tax (collected|payable)/i],
    create: { name: 'Amazon Sales Tax Collected', type: 'CURRLIAB' },
    side: 'balance',
  },
  facilitatorTax: {
    label: 'Marketplace facilitator tax',
    classes: ['LIABILITY'],
    names: [/facilitator/i, /amazon.*(sales )?tax/i],
    create: { name: 'Amazon Marketplace Facilitator Tax', type: 'CURRLIAB' },
    side: 'balance',
  },
  commissions: {
    label: 'Commissions (selling fees)',
    classes: ['EXPENSE'],
    names: [/amazon.*(seller|selling|commission)/i, /merchant|selling fee|commission/i],
    create: { name: 'Amazon Selling Fees', type: 'OVERHEADS' },
    side: 'cost',
  },
  fbaFees: {
    label: 'FBA fees',
    classes: ['EXPENSE'],
    names: [/amazon.*(fba|fulfil)/i, /fulfil/i],
    create: { name: 'Amazon FBA Fees', type: 'OVERHEADS' },
    side: 'cost',
  },
  storageFees: {
    label: 'Storage fees',
    classes: ['EXPENSE'],
    names: [/amazon.*storage/i, /storage|warehous/i],
    create: { name: 'Amazon Storage Fees', type: 'OVERHEADS' },
    side: 'cost',
  },
  advertising: {
    label: 'Advertising',
    classes: ['EXPENSE'],
    names: [/amazon.*advertis/i, /^advertising/i, /advertis|marketing/i],
    create: { name: 'Amazon Advertising', type: 'OVERHEADS' },
    side: 'cost',
  },
  subscription: {
    label: 'Subscription',
    classes: ['EXPENSE'],
    names: [/amazon.*subscription/i, /subscription/i],
    create: { name: 'Amazon Subscription', type: 'OVERHEADS' },
    side: 'cost',
  },
  reimbursements: {
    label: 'Reimbursements',
    classes: ['REVENUE'],
    names: [/amazon.*reimburse/i, /reimburse/i, /other revenue|other income/i],
    create: { name: 'Amazon Reimbursements', type: 'OTHERINCOME' },
    side: 'income',
  },
  reserves: {
    label: 'Reserves',
    classes: ['ASSET', 'LIABILITY'],
    names: [/amazon.*reserve/i],
    create: { name: 'Amazon Reserve Balance', type: 'CURRENT' },
    side: 'balance',
  },
  otherFees: {
    label: 'Other fees',
    classes: ['EXPENSE'],
    names: [/amazon.*fee/i, /merchant|selling fee/i],
    create: { name: 'Amazon Other Fees', type: 'OVERHEADS' },
    side: 'cost',
  },
  unmapped: {
    label: 'Unmapped (anything Amazon adds later)',
    classes: ['EXPENSE', 'LIABILITY', 'ASSET'],
    names: [/amazon.*(unmapped|suspense)/i],
    create: { name: 'Amazon Unmapped', type: 'CURRLIAB' },
    side: 'balance',
  },
  clearing: {
    label: 'Clearing (month-end splits)',
    classes: ['ASSET', 'LIABILITY'],
    names: [/amazon.*clearing/i],
    create: { name: 'Amazon Settlement Clearing', type: 'CURRENT' },
    side: 'balance',
  },
  discrepancy: {
    label: 'Discrepancy (rows vs deposit)',
    classes: ['EXPENSE', 'LIABILITY', 'ASSET'],
    names: [/amazon.*discrepanc/i],
    create: { name: 'Amazon Settlement Discrepancy', type: 'CURRLIAB' },
    side: 'balance',
  },
};

export interface GroupChoice {
  accountCode: string;
  taxType: string;
}

/** What Books setup stores per Xero organisation. */
export interface BooksSetup {
  groups: Record<LineGroup, GroupChoice>;
  /** Set by setups saved before tracking was per Amazon account; read as every account's. */
  tracking?: { category: string; option: string };
  /** Per Amazon account id: the tracking option put on every line of its invoices. */
  trackingByAccount?: Record<string, { category: string; option: string }>;
}

/** The tracking option for one Amazon account's lines, if its Books setup chose one. */
export function trackingFor(setup: BooksSetup | undefined, accountId: string) {
  return setup?.trackingByAccount?.[accountId] ?? setup?.tracking;
}

/** Accounts offered for a group: postable, in a sensible class, "code · name" sorted by code. */
export function accountsFor(books: OrganisationBooks, group: LineGroup): BooksAccount[] {
  const spec = GROUP_SPECS[group];
  return books.accounts
    .filter((a) => isPostable(a) && spec.classes.includes(a.class))
    .sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
}

/** Tax rates valid for an account: active, allowed on its class, never AU's retired NONE. */
export function taxRatesFor(books: OrganisationBooks, account: BooksAccount) {
  return books.taxRates.filter(
    (t) =>
      t.status === 'ACTIVE' &&
      t.appliesTo.includes(account.class) &&
      !(books.organisation.countryCode === 'AU' && t.taxType === 'NONE'),
  );
}

function noTaxRate(books: OrganisationBooks, account: BooksAccount): string | undefined {
  const rates = taxRatesFor(books, account);
  const preferred = books.organisation.countryCode === 'AU' ? ['BASEXCLUDED'] : ['NONE'];
  return (
    rates.find((r) => preferred.includes(r.taxType))?.taxType ??
    rates.find((r) => Number(r.rate) === 0)?.taxType
  );
}

/** The tax rate to suggest for a group on an account: the account's own default when it fits. */
export function suggestTaxType(
  books: OrganisationBooks,
  group: LineGroup,
  account: BooksAccount,
): string | undefined {
  const rates = taxRatesFor(books, account);
  if (GROUP_SPECS[group].side === 'balance') return noTaxRate(books, account);
  if (rates.some((r) => r.taxType === account.taxType)) return account.taxType;
  return noTaxRate(books, account);
}

/** The best account for a group by name within its classes, or none (the user chooses). */
export function suggestAccount(books: OrganisationBooks, group: LineGroup): BooksAccount | undefined {
  const candidates = accountsFor(books, group);
  for (const pattern of GROUP_SPECS[group].names) {
    const hit = candidates.find((a) => pattern.test(a.name));
    if (hit) return hit;
  }
  return undefined;
}

export function suggestSetup(books: OrganisationBooks): Partial<Record<LineGroup, GroupChoice>> {
  const out: Partial<Record<LineGroup, GroupChoice>> = {};
  for (const group of LINE_GROUPS) {
    const account = suggestAccount(books, group);
    const taxType = account && suggestTaxType(books, group, account);
    if (account && taxType) out[group] = { accountCode: account.code, taxType };
  }
  return out;
}

export interface PlannedAccount extends NewAccount {
  group: LineGroup;
}

/** Code ranges Xero's default charts use per class, so new accounts sit beside their kind. */
const RANGE_FOR: Record<NewType, [number, number]> = {
  REVENUE: [200, 299],
  OTHERINCOME: [200, 299],
  DIRECTCOSTS: [300, 399],
  OVERHEADS: [400, 499],
  EXPENSE: [400, 499],
  CURRENT: [600, 699],
  CURRLIAB: [800, 899],
};

/**
 * The Amazon accounts to create for the groups that have no fitting account yet: one account
 * per distinct name (shared when two groups use the same), at free codes next to their kind.
 * US charts number differently (400 Sales, 600 expenses), so the range follows where the
 * chart's own accounts of that class sit when the default range is not theirs.
 */
export function planAmazonAccounts(
  books: OrganisationBooks,
  groups: readonly LineGroup[] = LINE_GROUPS,
): PlannedAccount[] {
  const taken = new Set(books.accounts.map((a) => a.code.toLowerCase()));
  const names = new Set(books.accounts.map((a) => a.name.toLowerCase()));
  const plan: PlannedAccount[] = [];
  for (const group of groups) {
    if (suggestAccount(books, group)?.name.toLowerCase().includes('amazon')) continue;
    const { name, type } = GROUP_SPECS[group].create;
    if (names.has(name.toLowerCase())) continue;
    const code = freeCode(books, type, taken);
    if (!code) continue;
    taken.add(code);
    names.add(name.toLowerCase());
    const taxType = plannedTaxType(books, GROUP_SPECS[group].side, type);
    plan.push({ group, code, name, type, ...(taxType ? { taxType } : {}) });
  }
  return plan;
}

const CLASS_OF: Record<NewType, AccountClass> = {
  REVENUE: 'REVENUE',
  OTHERINCOME: 'REVENUE',
  DIRECTCOSTS: 'EXPENSE',
  OVERHEADS: 'EXPENSE',
  EXPENSE: 'EXPENSE',
  CURRENT: 'ASSET',
  CURRLIAB: 'LIABILITY',
};

/**
 * A new account's default rate: for income and costs the rate the chart's own accounts of that
 * class use most (UK 20% VAT on Income / Expenses, AU GST on Income / Expenses); for balance
 * accounts the region's no-tax rate (BAS Excluded in Australia).
 */
function plannedTaxType(
  books: OrganisationBooks,
  side: GroupSpec['side'],
  type: NewType,
): string | undefined {
  const klass = CLASS_OF[type];
  const valid = books.taxRates.filter(
    (t) =>
      t.status === 'ACTIVE' &&
      t.appliesTo.includes(klass) &&
      !(books.organisation.countryCode === 'AU' && t.taxType === 'NONE'),
  );
  const noTax = valid.find(
    (t) => t.taxType === (books.organisation.countryCode === 'AU' ? 'BASEXCLUDED' : 'NONE'),
  );
  if (side === 'balance') return noTax?.taxType;
  const counts = new Map<string, number>();
  for (const a of books.accounts) {
    if (a.class !== klass || !isPostable(a) || !valid.some((t) => t.taxType === a.taxType)) continue;
    if (a.taxType === noTax?.taxType) continue;
    counts.set(a.taxType, (counts.get(a.taxType) ?? 0) + 1);
  }
  const best = [...counts].sort((x, y) => y[1] - x[1])[0]?.[0];
  return best ?? noTax?.taxType;
}

function freeCode(books: OrganisationBooks, type: NewType, taken: Set<string>): string | undefined {
  const klass = CLASS_OF[type];
  const numeric = books.accounts
    .filter((a) => a.class === klass && /^\d+$/.test(a.code))
    .map((a) => Number(a.code));
  let [low, high] = RANGE_FOR[type];
  const inRange = numeric.filter((n) => n >= low && n <= high);
  if (numeric.length > 0 && inRange.length === 0) {
    // This chart keeps the class elsewhere (US: revenue 400s, expenses 600s).
    low = Math.min(...numeric);
    high = Math.max(...numeric) + 99;
  }
  const width = String(high).length;
  for (let n = low + 1; n <= high; n++) {
    const code = String(n).padStart(width, '0');
    if (!taken.has(code)) return code;
  }
  return undefined;
}

/** Keys per group, matching the shipped default mapping's rules (lib/settlement/default-mapping.ts). */
const GROUP_RULES: { group: LineGroup; rule: Omit<MappingRule, 'accountCode' | 'account' | 'taxType'> }[] = [
  {
    group: 'refunds',
    rule: { transactionType: 'Refund', amountType: 'ItemPrice', description: 'Amazon refunds' },
  },
  {
    group: 'salesTax',
    rule: {
      transactionType: 'Refund',
      amountType: 'ItemPrice',
      amountDescription: 'Tax',
      description: 'Amazon sales tax refunded',
    },
  },
  {
    group: 'salesTax',
    rule: {
      transactionType: 'Refund',
      amountType: 'ItemPrice',
      amountDescription: 'ShippingTax',
      description: 'Amazon sales tax refunded',
    },
  },
  {
    group: 'sales',
    rule: { amountType: 'ItemPrice', amountDescription: 'Principal', description: 'Amazon sales' },
  },
  {
    group: 'shipping',
    rule: { amountType: 'ItemPrice', amountDescription: 'Shipping', description: 'Amazon shipping income' },
  },
  {
    group: 'shipping',
    rule: { amountType: 'ItemPrice', amountDescription: 'GiftWrap', description: 'Amazon gift wrap income' },
  },
  { group: 'sales', rule: { amountType: 'ItemPrice', description: 'Amazon other item income' } },
  {
    group: 'salesTax',
    rule: { amountType: 'ItemPrice', amountDescription: 'Tax', description: 'Amazon sales tax collected' },
  },
  {
    group: 'salesTax',
    rule: {
      amountType: 'ItemPrice',
      amountDescription: 'ShippingTax',
      description: 'Amazon sales tax collected',
    },
  },
  {
    group: 'salesTax',
    rule: {
      amountType: 'ItemPrice',
      amountDescription: 'GiftWrapTax',
      description: 'Amazon sales tax collected',
    },
  },
  {
    group: 'facilitatorTax',
    rule: { amountType: 'ItemWithheldTax', description: 'Amazon marketplace facilitator tax withheld' },
  },
  { group: 'promotions', rule: { amountType: 'Promotion', description: 'Amazon promotions' } },
  { group: 'commissions', rule: { amountType: 'ItemFees', description: 'Amazon selling fees' } },
  {
    group: 'commissions',
    rule: { amountType: 'ItemFees', amountDescription: 'Commission', description: 'Amazon commission' },
  },
  {
    group: 'commissions',
    rule: {
      amountType: 'ItemFees',
      amountDescription: 'RefundCommission',
      description: 'Amazon refund commission',
    },
  },
  {
    group: 'fbaFees',
    rule: {
      amountType: 'ItemFees',
      amountDescription: 'FBAPerUnitFulfillmentFee',
      description: 'Amazon FBA fulfilment fees',
    },
  },
  {
    group: 'fbaFees',
    rule: {
      amountType: 'ItemFees',
      amountDescription: 'ShippingChargeback',
      description: 'Amazon shipping chargeback',
    },
  },
  { group: 'fbaFees', rule: { amountType: 'ShipmentFees', description: 'Amazon FBA inbound shipment fees' } },
  { group: 'fbaFees', rule: { transactionType: 'FBAFees', description: 'Amazon FBA fees' } },
  {
    group: 'storageFees',
    rule: { amountDescription: 'Storage Fee', description: 'Amazon FBA storage fees' },
  },
  {
    group: 'storageFees',
    rule: { amountDescription: 'StorageRenewalBilling', description: 'Amazon FBA long-term storage fees' },
  },
  {
    group: 'storageFees',
    rule: { amountDescription: 'FBALongTermStorageFee', description: 'Amazon FBA long-term storage fees' },
  },
  {
    group: 'subscription',
    rule: { amountDescription: 'Subscription Fee', description: 'Amazon subscription fee' },
  },
  { group: 'advertising', rule: { amountType: 'Cost of Advertising', description: 'Amazon advertising' } },
  { group: 'otherFees', rule: { transactionType: 'ServiceFee', description: 'Amazon service fees' } },
  {
    group: 'advertising',
    rule: { transactionType: 'CouponRedemptionFee', description: 'Amazon coupon fees' },
  },
  { group: 'advertising', rule: { transactionType: 'Lightning Deal Fee', description: 'Amazon deal fees' } },
  { group: 'advertising', rule: { transactionType: 'Vine Enrollment Fee', description: 'Amazon Vine fees' } },
  {
    group: 'reimbursements',
    rule: { amountType: 'FBA Inventory Reimbursement', description: 'Amazon FBA inventory reimbursements' },
  },
  { group: 'reimbursements', rule: { transactionType: 'Liquidations', description: 'Amazon liquidations' } },
  {
    group: 'refunds',
    rule: { transactionType: 'Chargeback Refund', description: 'Amazon chargeback refunds' },
  },
  {
    group: 'salesTax',
    rule: { transactionType: 'Order_Retrocharge', description: 'Amazon retrocharges (tax)' },
  },
  {
    group: 'salesTax',
    rule: { transactionType: 'Refund_Retrocharge', description: 'Amazon retrocharges (tax)' },
  },
  { group: 'salesTax', rule: { transactionType: 'Commingling VAT', description: 'Amazon commingling VAT' } },
  {
    group: 'reserves',
    rule: { amountDescription: 'Current Reserve Amount', description: 'Amazon reserve held' },
  },
  {
    group: 'reserves',
    rule: { amountDescription: 'Previous Reserve Amount Balance', description: 'Amazon reserve released' },
  },
];

/** Which groups still lack a choice; empty when the setup is complete. */
export function missingGroups(setup: Partial<Record<LineGroup, GroupChoice>>): LineGroup[] {
  return LINE_GROUPS.filter((g) => !setup[g]?.accountCode || !setup[g]?.taxType);
}

/**
 * The mapping document for a complete setup. Lines are tax-inclusive so the invoice total
 * stays the deposit while each line's tax rate is reported (Amazon's amounts are gross).
 */
export function mappingFromSetup(setup: BooksSetup): SettlementMappingInput {
  const g = setup.groups;
  return {
    version: 1,
    accounts: {
      reserve: g.reserves.accountCode,
      clearing: g.clearing.accountCode,
      unmapped: g.unmapped.accountCode,
      discrepancy: g.discrepancy.accountCode,
    },
    defaultTaxType: g.unmapped.taxType,
    lineAmountTypes: 'Inclusive',
    ...(setup.tracking ? { trackingCategory: setup.tracking.category } : {}),
    contactNames: {},
    rules: GROUP_RULES.map(({ group, rule }) =>
      group === 'reserves'
        ? { ...rule, account: 'reserve' as const, taxType: g.reserves.taxType }
        : { ...rule, accountCode: g[group].accountCode, taxType: g[group].taxType },
    ),
  };
}
