/**
 * Xero's default charts of accounts and tax rates per organisation region, as a new
 * organisation gets them. Evidence (public listings of the default charts; see the
 * citations in `seed.ts` for which listing backs which region):
 * - UK: the "Chart of Accounts … All accounts as at 5 June 2018" export of a fresh UK
 *   organisation (scribd.com/document/747332368/XeroDefaultChartofAccounts-1), the nominal
 *   code lists at tenpercentfinancial.co.uk/list-of-nominal-codes-for-xero and
 *   linggardandthomas.co.uk/blog/xero-chart-of-accounts-cheat-sheet, and
 *   vjmglobal.com/feeds/blog/xero-chart-accounts-codes-uk (820 VAT, 825 PAYE Payable,
 *   826 NIC Payable, 830 Corporation Tax, 835 Directors' Loan Account).
 * - NZ: Xero's own sample `GET /Accounts` response for a NZ organisation (published with
 *   the xero_gateway gem, research.rubygems.info blob 9ac00984…) and
 *   support.infocaresolutions.co.nz "Xero account and Xero tax" (account and tax lists).
 * - US: a US organisation's export "All accounts as at 17 November 2020"
 *   (scribd.com/document/485270467) and help.xero.com/us/Tax-SetDefaults (default rates).
 * - AU, and the tax types of every region: eswap.global/help/how-your-default-tax-rate-works
 *   (TaxType codes and names per version) and help.xero.com/au/Settings_TaxRatesView.
 * - CA runs Xero's global edition (xenaccounting.com "Xero Canada – Settings Canadians Need
 *   to Know About"; help.xero.com/int/SalesTax-Canada): the global chart and rates plus the
 *   provincial CANxxx rates listed by support.flexibake.com "Setup Tax Profiles for Xero".
 *
 * Where a listing gives no code (bank accounts) or a detail the sim needs (which classes a
 * rate applies to) the value is marked "sim choice". No default chart has an Amazon account:
 * a bookkeeper maps to these accounts or creates the Amazon ones (PUT /Accounts).
 */

export type AccountType =
  | 'BANK'
  | 'CURRENT'
  | 'CURRLIAB'
  | 'DEPRECIATN'
  | 'DIRECTCOSTS'
  | 'EQUITY'
  | 'EXPENSE'
  | 'FIXED'
  | 'INVENTORY'
  | 'LIABILITY'
  | 'NONCURRENT'
  | 'OTHERINCOME'
  | 'OVERHEADS'
  | 'PREPAYMENT'
  | 'REVENUE'
  | 'SALES'
  | 'TERMLIAB';

/** Xero's AccountType → Class (xero_accounting.yaml, Account.Class). */
export const ACCOUNT_CLASS: Record<AccountType, 'ASSET' | 'EQUITY' | 'EXPENSE' | 'LIABILITY' | 'REVENUE'> = {
  BANK: 'ASSET',
  CURRENT: 'ASSET',
  FIXED: 'ASSET',
  INVENTORY: 'ASSET',
  NONCURRENT: 'ASSET',
  PREPAYMENT: 'ASSET',
  CURRLIAB: 'LIABILITY',
  LIABILITY: 'LIABILITY',
  TERMLIAB: 'LIABILITY',
  EQUITY: 'EQUITY',
  DEPRECIATN: 'EXPENSE',
  DIRECTCOSTS: 'EXPENSE',
  EXPENSE: 'EXPENSE',
  OVERHEADS: 'EXPENSE',
  OTHERINCOME: 'REVENUE',
  REVENUE: 'REVENUE',
  SALES: 'REVENUE',
};

/** [Code, Name, Type, default TaxType, SystemAccount?] */
export type ChartRow = readonly [string, string, AccountType, string, string?];

/** [TaxType, Name, percent, ReportTaxType] ReportTaxType decides which classes it applies to. */
export type TaxRow = readonly [
  string,
  string,
  number,
  'OUTPUT' | 'INPUT' | 'NONE' | 'EXEMPT' | 'BASEXCLUDED',
];

export const UK_CHART: ChartRow[] = [
  ['090', 'Business Bank Account', 'BANK', 'NONE'], // sim choice: listings show bank accounts without a code
  ['200', 'Sales', 'REVENUE', 'OUTPUT2'],
  ['260', 'Other Revenue', 'REVENUE', 'OUTPUT2'],
  ['270', 'Interest Income', 'REVENUE', 'NONE'],
  ['310', 'Cost of Goods Sold', 'DIRECTCOSTS', 'INPUT2'],
  ['320', 'Direct Wages', 'DIRECTCOSTS', 'NONE'],
  ['325', 'Direct Expenses', 'DIRECTCOSTS', 'INPUT2'],
  ['400', 'Advertising & Marketing', 'OVERHEADS', 'INPUT2'],
  ['401', 'Audit & Accountancy fees', 'OVERHEADS', 'INPUT2'],
  ['404', 'Bank Fees', 'OVERHEADS', 'NONE'],
  ['408', 'Cleaning', 'OVERHEADS', 'INPUT2'],
  ['412', 'Consulting', 'OVERHEADS', 'INPUT2'],
  ['416', 'Depreciation Expense', 'OVERHEADS', 'NONE'],
  ['418', 'Charitable and Political Donations', 'OVERHEADS', 'NONE'],
  ['420', 'Entertainment-100% business', 'OVERHEADS', 'INPUT2'],
  ['424', 'Entertainment - 0%', 'OVERHEADS', 'NONE'],
  ['425', 'Postage, Freight & Courier', 'OVERHEADS', 'EXEMPTINPUT'],
  ['429', 'General Expenses', 'OVERHEADS', 'INPUT2'],
  ['433', 'Insurance', 'OVERHEADS', 'EXEMPTINPUT'],
  ['437', 'Interest Paid', 'OVERHEADS', 'NONE'],
  ['441', 'Legal Expenses', 'OVERHEADS', 'INPUT2'],
  ['445', 'Light, Power, Heating', 'OVERHEADS', 'RRINPUT'],
  ['449', 'Motor Vehicle Expenses', 'OVERHEADS', 'INPUT2'],
  ['457', 'Operating Lease Payments', 'OVERHEADS', 'INPUT2'],
  ['461', 'Printing & Stationery', 'OVERHEADS', 'INPUT2'],
  ['463', 'IT Software and Consumables', 'OVERHEADS', 'INPUT2'],
  ['465', 'Rates', 'OVERHEADS', 'INPUT2'],
  ['469', 'Rent', 'OVERHEADS', 'INPUT2'],
  ['473', 'Repairs & Maintenance', 'OVERHEADS', 'INPUT2'],
  ['477', 'Salaries', 'OVERHEADS', 'NONE'],
  ['478', "Directors' Remuneration", 'OVERHEADS', 'NONE'],
  ['479', 'Employers National Insurance', 'OVERHEADS', 'NONE'],
  ['480', 'Staff Training', 'OVERHEADS', 'INPUT2'],
  ['482', 'Pensions Costs', 'OVERHEADS', 'NONE'],
  ['485', 'Subscriptions', 'OVERHEADS', 'INPUT2'],
  ['489', 'Telephone & Internet', 'OVERHEADS', 'INPUT2'],
  ['493', 'Travel - National', 'OVERHEADS', 'INPUT2'],
  ['494', 'Travel - International', 'OVERHEADS', 'NONE'],
  ['497', 'Bank Revaluations', 'OVERHEADS', 'NONE', 'BANKCURRENCYGAIN'],
  ['498', 'Unrealised Currency Gains', 'OVERHEADS', 'NONE', 'UNREALISEDCURRENCYGAIN'],
  ['499', 'Realised Currency Gains', 'OVERHEADS', 'NONE', 'REALISEDCURRENCYGAIN'],
  ['500', 'Corporation Tax', 'OVERHEADS', 'NONE'],
  ['610', 'Accounts Receivable', 'CURRENT', 'NONE', 'DEBTORS'],
  ['611', 'Less Provision for Doubtful Debts', 'CURRENT', 'NONE'],
  ['620', 'Prepayments', 'CURRENT', 'NONE'],
  ['630', 'Inventory', 'INVENTORY', 'NONE'],
  ['710', 'Office Equipment', 'FIXED', 'INPUT2'],
  ['711', 'Less Accumulated Depreciation on Office Equipment', 'FIXED', 'NONE'],
  ['720', 'Computer Equipment', 'FIXED', 'INPUT2'],
  ['721', 'Less Accumulated Depreciation on Computer Equipment', 'FIXED', 'NONE'],
  ['800', 'Accounts Payable', 'CURRLIAB', 'NONE', 'CREDITORS'],
  ['801', 'Unpaid Expense Claims', 'CURRLIAB', 'NONE', 'UNPAIDEXPCLM'],
  ['820', 'VAT', 'CURRLIAB', 'NONE', 'GST'],
  ['825', 'PAYE Payable', 'CURRLIAB', 'NONE'],
  ['826', 'NIC Payable', 'CURRLIAB', 'NONE'],
  ['830', 'Corporation Tax', 'CURRLIAB', 'NONE'],
  ['835', "Directors' Loan Account", 'CURRLIAB', 'NONE'],
  ['840', 'Historical Adjustment', 'CURRLIAB', 'NONE', 'HISTORICAL'],
  ['850', 'Suspense', 'CURRLIAB', 'NONE'],
  ['858', 'Pensions Payable', 'CURRLIAB', 'NONE'],
  ['860', 'Rounding', 'CURRLIAB', 'NONE', 'ROUNDING'],
  ['877', 'Tracking Transfers', 'CURRLIAB', 'NONE', 'TRACKINGTRANSFERS'],
  ['900', 'Loan', 'TERMLIAB', 'NONE'],
  ['950', 'Capital - Ordinary Shares', 'EQUITY', 'NONE'],
  ['960', 'Retained Earnings', 'EQUITY', 'NONE', 'RETAINEDEARNINGS'],
];

export const UK_TAX_RATES: TaxRow[] = [
  ['OUTPUT2', '20% (VAT on Income)', 20, 'OUTPUT'],
  ['INPUT2', '20% (VAT on Expenses)', 20, 'INPUT'],
  ['RROUTPUT', '5% (VAT on Income)', 5, 'OUTPUT'],
  ['RRINPUT', '5% (VAT on Expenses)', 5, 'INPUT'],
  ['ZERORATEDOUTPUT', 'Zero Rated Income', 0, 'OUTPUT'],
  ['ZERORATEDINPUT', 'Zero Rated Expenses', 0, 'INPUT'],
  ['EXEMPTOUTPUT', 'Exempt Income', 0, 'OUTPUT'],
  ['EXEMPTINPUT', 'Exempt Expenses', 0, 'INPUT'],
  ['ECZROUTPUT', 'Zero Rated EC Goods Income', 0, 'OUTPUT'],
  ['ECZROUTPUTSERVICES', 'Zero Rated EC Services', 0, 'OUTPUT'],
  ['ECZRINPUT', 'Zero Rated EC Expenses', 0, 'INPUT'],
  ['GSTONIMPORTS', 'VAT on Imports', 0, 'INPUT'],
  ['NONE', 'No VAT', 0, 'NONE'],
];

export const NZ_CHART: ChartRow[] = [
  ['090', 'Business Bank Account', 'BANK', 'NONE'], // sim choice (code)
  ['200', 'Sales', 'REVENUE', 'OUTPUT2'],
  ['260', 'Other Revenue', 'REVENUE', 'OUTPUT2'],
  ['270', 'Interest Income', 'REVENUE', 'NONE'],
  ['310', 'Cost of Goods Sold', 'DIRECTCOSTS', 'INPUT2'],
  ['400', 'Advertising', 'OVERHEADS', 'INPUT2'],
  ['404', 'Bank Fees', 'OVERHEADS', 'NONE'],
  ['408', 'Cleaning', 'OVERHEADS', 'INPUT2'],
  ['412', 'Consulting & Accounting', 'OVERHEADS', 'INPUT2'],
  ['416', 'Depreciation', 'OVERHEADS', 'NONE'],
  ['420', 'Entertainment', 'OVERHEADS', 'INPUT2'],
  ['424', 'Entertainment - Non deductible', 'OVERHEADS', 'INPUT2'],
  ['425', 'Freight & Courier', 'OVERHEADS', 'INPUT2'],
  ['429', 'General Expenses', 'OVERHEADS', 'INPUT2'],
  ['433', 'Insurance', 'OVERHEADS', 'INPUT2'],
  ['437', 'Interest Expense', 'OVERHEADS', 'NONE'],
  ['441', 'Legal expenses', 'OVERHEADS', 'INPUT2'],
  ['445', 'Light, Power, Heating', 'OVERHEADS', 'INPUT2'],
  ['449', 'Motor Vehicle Expenses', 'OVERHEADS', 'INPUT2'],
  ['453', 'Office Expenses', 'OVERHEADS', 'INPUT2'],
  ['461', 'Printing & Stationery', 'OVERHEADS', 'INPUT2'],
  ['469', 'Rent', 'OVERHEADS', 'INPUT2'],
  ['473', 'Repairs and Maintenance', 'OVERHEADS', 'INPUT2'],
  ['477', 'Salaries', 'OVERHEADS', 'NONE'],
  ['478', 'KiwiSaver Employer Contributions', 'OVERHEADS', 'NONE'],
  ['485', 'Subscriptions', 'OVERHEADS', 'INPUT2'],
  ['489', 'Telephone & Internet', 'OVERHEADS', 'INPUT2'],
  ['493', 'Travel - National', 'OVERHEADS', 'INPUT2'],
  ['494', 'Travel - International', 'OVERHEADS', 'NONE'],
  ['497', 'Bank Revaluations', 'OVERHEADS', 'NONE', 'BANKCURRENCYGAIN'],
  ['498', 'Unrealised Currency Gains', 'OVERHEADS', 'NONE', 'UNREALISEDCURRENCYGAIN'],
  ['499', 'Realised Currency Gains', 'OVERHEADS', 'NONE', 'REALISEDCURRENCYGAIN'],
  ['505', 'Income Tax Expense', 'OVERHEADS', 'NONE'],
  ['610', 'Accounts Receivable', 'CURRENT', 'NONE', 'DEBTORS'],
  ['611', 'Less Provision for Doubtful Debts', 'CURRENT', 'NONE'],
  ['620', 'Prepayments', 'CURRENT', 'NONE'],
  ['625', 'Withholding tax paid', 'CURRENT', 'NONE'],
  ['630', 'Inventory', 'INVENTORY', 'NONE'],
  ['710', 'Office Equipment', 'FIXED', 'INPUT2'],
  ['711', 'Less Accumulated Depreciation on Office Equipment', 'FIXED', 'NONE'],
  ['720', 'Computer Equipment', 'FIXED', 'INPUT2'],
  ['721', 'Less Accumulated Depreciation on Computer Equipment', 'FIXED', 'NONE'],
  ['800', 'Accounts Payable', 'CURRLIAB', 'NONE', 'CREDITORS'],
  ['801', 'Unpaid Expense Claims', 'CURRLIAB', 'NONE', 'UNPAIDEXPCLM'],
  ['803', 'Wages Payable - Payroll', 'CURRLIAB', 'NONE', 'WAGEPAYABLES'],
  ['804', 'Wages Deductions Payable', 'CURRLIAB', 'NONE'],
  ['820', 'GST', 'CURRLIAB', 'NONE', 'GST'],
  ['825', 'PAYE Payable', 'CURRLIAB', 'NONE'],
  ['830', 'Income Tax', 'CURRLIAB', 'NONE'],
  ['835', 'Revenue Received in Advance', 'CURRLIAB', 'OUTPUT2'],
  ['840', 'Historical Adjustment', 'CURRLIAB', 'NONE', 'HISTORICAL'],
  ['850', 'Suspense', 'CURRLIAB', 'NONE'],
  ['855', 'Clearing Account', 'CURRLIAB', 'NONE'],
  ['860', 'Rounding', 'CURRLIAB', 'NONE', 'ROUNDING'],
  ['877', 'Tracking Transfers', 'CURRLIAB', 'NONE', 'TRACKINGTRANSFERS'],
  ['900', 'Loan', 'TERMLIAB', 'NONE'],
  ['960', 'Retained Earnings', 'EQUITY', 'NONE', 'RETAINEDEARNINGS'],
  ['970', 'Owner A Funds Introduced', 'EQUITY', 'NONE'],
  ['980', 'Owner A Drawings', 'EQUITY', 'NONE'],
];

export const NZ_TAX_RATES: TaxRow[] = [
  ['OUTPUT2', '15% GST on Income', 15, 'OUTPUT'],
  ['INPUT2', '15% GST on Expenses', 15, 'INPUT'],
  ['GSTONIMPORTS', 'GST on Imports', 0, 'INPUT'],
  ['ZERORATED', 'Zero Rated', 0, 'OUTPUT'],
  ['NONE', 'No GST', 0, 'NONE'],
];

export const AU_CHART: ChartRow[] = [
  ['090', 'Business Bank Account', 'BANK', 'BASEXCLUDED'], // sim choice (code)
  ['200', 'Sales', 'REVENUE', 'OUTPUT'],
  ['260', 'Other Revenue', 'REVENUE', 'OUTPUT'],
  ['270', 'Interest Income', 'REVENUE', 'INPUTTAXED'],
  ['310', 'Cost of Goods Sold', 'DIRECTCOSTS', 'INPUT'],
  ['400', 'Advertising', 'OVERHEADS', 'INPUT'],
  ['404', 'Bank Fees', 'OVERHEADS', 'EXEMPTEXPENSES'],
  ['408', 'Cleaning', 'OVERHEADS', 'INPUT'],
  ['412', 'Consulting & Accounting', 'OVERHEADS', 'INPUT'],
  ['416', 'Depreciation', 'OVERHEADS', 'BASEXCLUDED'],
  ['420', 'Entertainment', 'OVERHEADS', 'INPUT'],
  ['425', 'Freight & Courier', 'OVERHEADS', 'INPUT'],
  ['429', 'General Expenses', 'OVERHEADS', 'INPUT'],
  ['433', 'Insurance', 'OVERHEADS', 'INPUT'],
  ['437', 'Interest Expense', 'OVERHEADS', 'EXEMPTEXPENSES'],
  ['441', 'Legal expenses', 'OVERHEADS', 'INPUT'],
  ['449', 'Motor Vehicle Expenses', 'OVERHEADS', 'INPUT'],
  ['453', 'Office Expenses', 'OVERHEADS', 'INPUT'],
  ['461', 'Printing & Stationery', 'OVERHEADS', 'INPUT'],
  ['469', 'Rent', 'OVERHEADS', 'INPUT'],
  ['477', 'Wages and Salaries', 'OVERHEADS', 'BASEXCLUDED'],
  ['478', 'Superannuation', 'OVERHEADS', 'BASEXCLUDED'],
  ['485', 'Subscriptions', 'OVERHEADS', 'INPUT'],
  ['489', 'Telephone & Internet', 'OVERHEADS', 'INPUT'],
  ['497', 'Bank Revaluations', 'OVERHEADS', 'BASEXCLUDED', 'BANKCURRENCYGAIN'],
  ['498', 'Unrealised Currency Gains', 'OVERHEADS', 'BASEXCLUDED', 'UNREALISEDCURRENCYGAIN'],
  ['499', 'Realised Currency Gains', 'OVERHEADS', 'BASEXCLUDED', 'REALISEDCURRENCYGAIN'],
  ['505', 'Income Tax Expense', 'OVERHEADS', 'BASEXCLUDED'],
  ['610', 'Accounts Receivable', 'CURRENT', 'BASEXCLUDED', 'DEBTORS'],
  ['620', 'Prepayments', 'CURRENT', 'BASEXCLUDED'],
  ['630', 'Inventory', 'INVENTORY', 'BASEXCLUDED'],
  ['710', 'Office Equipment', 'FIXED', 'CAPEXINPUT'],
  ['720', 'Computer Equipment', 'FIXED', 'CAPEXINPUT'],
  ['800', 'Accounts Payable', 'CURRLIAB', 'BASEXCLUDED', 'CREDITORS'],
  ['801', 'Unpaid Expense Claims', 'CURRLIAB', 'BASEXCLUDED', 'UNPAIDEXPCLM'],
  ['804', 'Wages Payable - Payroll', 'CURRLIAB', 'BASEXCLUDED', 'WAGEPAYABLES'],
  ['820', 'GST', 'CURRLIAB', 'BASEXCLUDED', 'GST'],
  ['825', 'PAYG Withholdings Payable', 'CURRLIAB', 'BASEXCLUDED'],
  ['826', 'Superannuation Payable', 'CURRLIAB', 'BASEXCLUDED'],
  ['830', 'Income Tax Payable', 'CURRLIAB', 'BASEXCLUDED'],
  ['840', 'Historical Adjustment', 'CURRLIAB', 'BASEXCLUDED', 'HISTORICAL'],
  ['850', 'Suspense', 'CURRLIAB', 'BASEXCLUDED'],
  ['860', 'Rounding', 'CURRLIAB', 'BASEXCLUDED', 'ROUNDING'],
  ['877', 'Tracking Transfers', 'CURRLIAB', 'BASEXCLUDED', 'TRACKINGTRANSFERS'],
  ['880', 'Owner A Drawings', 'EQUITY', 'BASEXCLUDED'],
  ['881', 'Owner A Funds Introduced', 'EQUITY', 'BASEXCLUDED'],
  ['960', 'Retained Earnings', 'EQUITY', 'BASEXCLUDED', 'RETAINEDEARNINGS'],
];

/** No NONE: Australia retired it; Xero files a NONE line as BAS Excluded (see chart-rules.ts). */
export const AU_TAX_RATES: TaxRow[] = [
  ['OUTPUT', 'GST on Income', 10, 'OUTPUT'],
  ['INPUT', 'GST on Expenses', 10, 'INPUT'],
  ['CAPEXINPUT', 'GST on Capital', 10, 'INPUT'],
  ['EXEMPTOUTPUT', 'GST Free Income', 0, 'OUTPUT'],
  ['EXEMPTEXPENSES', 'GST Free Expenses', 0, 'INPUT'],
  ['EXEMPTCAPITAL', 'GST Free Capital', 0, 'INPUT'],
  ['EXEMPTEXPORT', 'GST Free Exports', 0, 'OUTPUT'],
  ['INPUTTAXED', 'Input Taxed', 0, 'EXEMPT'],
  ['GSTONIMPORTS', 'GST on Imports', 0, 'INPUT'],
  ['GSTONCAPIMPORTS', 'GST on Capital Imports', 0, 'INPUT'],
  ['BASEXCLUDED', 'BAS Excluded', 0, 'BASEXCLUDED'],
];

export const US_CHART: ChartRow[] = [
  ['090', 'Checking Account', 'BANK', 'NONE'], // sim choice (code and name)
  ['120', 'Accounts Receivable', 'CURRENT', 'NONE', 'DEBTORS'],
  ['140', 'Inventory', 'INVENTORY', 'NONE'],
  ['160', 'Computer Equipment', 'FIXED', 'INPUT'],
  ['161', 'Less Accumulated Depreciation on Computer Equipment', 'FIXED', 'NONE'],
  ['200', 'Accounts Payable', 'CURRLIAB', 'NONE', 'CREDITORS'],
  ['210', 'Unpaid Expense Claims', 'CURRLIAB', 'NONE', 'UNPAIDEXPCLM'],
  ['220', 'Sales Tax', 'CURRLIAB', 'NONE', 'GST'],
  ['230', 'Employee Tax Payable', 'CURRLIAB', 'NONE'],
  ['250', 'Suspense', 'CURRLIAB', 'NONE'],
  ['255', 'Historical Adjustment', 'CURRLIAB', 'NONE', 'HISTORICAL'],
  ['260', 'Rounding', 'CURRLIAB', 'NONE', 'ROUNDING'],
  ['265', 'Tracking Transfers', 'CURRLIAB', 'NONE', 'TRACKINGTRANSFERS'],
  ['330', 'Common Stock', 'EQUITY', 'NONE'],
  ['340', 'Retained Earnings', 'EQUITY', 'NONE', 'RETAINEDEARNINGS'],
  ['400', 'Sales', 'REVENUE', 'OUTPUT'],
  ['460', 'Interest Income', 'REVENUE', 'NONE'],
  ['470', 'Other Revenue', 'REVENUE', 'OUTPUT'],
  ['500', 'Cost of Goods Sold', 'DIRECTCOSTS', 'INPUT'],
  ['600', 'Advertising', 'EXPENSE', 'INPUT'],
  ['604', 'Bank Service Charges', 'EXPENSE', 'NONE'],
  ['612', 'Consulting & Accounting', 'EXPENSE', 'INPUT'],
  ['620', 'Entertainment', 'EXPENSE', 'INPUT'],
  ['624', 'Postage & Delivery', 'EXPENSE', 'INPUT'],
  ['628', 'General Expenses', 'EXPENSE', 'INPUT'],
  ['632', 'Insurance', 'EXPENSE', 'NONE'],
  ['648', 'Automobile Expenses', 'EXPENSE', 'INPUT'],
  ['676', 'Dues & Subscriptions', 'EXPENSE', 'INPUT'],
  ['690', 'Bad Debts', 'EXPENSE', 'NONE'],
  ['700', 'Depreciation', 'EXPENSE', 'NONE'],
  ['710', 'Income Tax Expense', 'EXPENSE', 'NONE'],
  ['810', 'Bank Revaluations', 'EXPENSE', 'NONE', 'BANKCURRENCYGAIN'],
  ['815', 'Unrealized Currency Gains', 'EXPENSE', 'NONE', 'UNREALISEDCURRENCYGAIN'],
  ['820', 'Realized Currency Gains', 'EXPENSE', 'NONE', 'REALISEDCURRENCYGAIN'],
];

export const US_TAX_RATES: TaxRow[] = [
  ['OUTPUT', 'Tax on Sales', 0, 'OUTPUT'],
  ['INPUT', 'Tax on Purchases', 0, 'INPUT'],
  ['GSTONIMPORTS', 'Sales Tax on Imports', 0, 'INPUT'],
  ['NONE', 'Tax Exempt', 0, 'NONE'],
];

/** Xero's global edition chart, which Canadian organisations get. */
export const CA_CHART: ChartRow[] = [
  ['090', 'Business Bank Account', 'BANK', 'NONE'], // sim choice (code)
  ['200', 'Sales', 'REVENUE', 'OUTPUT'],
  ['260', 'Other Revenue', 'REVENUE', 'OUTPUT'],
  ['270', 'Interest Income', 'REVENUE', 'NONE'],
  ['310', 'Cost of Goods Sold', 'DIRECTCOSTS', 'INPUT'],
  ['400', 'Advertising', 'OVERHEADS', 'INPUT'],
  ['404', 'Bank Fees', 'OVERHEADS', 'NONE'],
  ['412', 'Consulting & Accounting', 'OVERHEADS', 'INPUT'],
  ['425', 'Freight & Courier', 'OVERHEADS', 'INPUT'],
  ['429', 'General Expenses', 'OVERHEADS', 'INPUT'],
  ['433', 'Insurance', 'OVERHEADS', 'INPUT'],
  ['437', 'Interest Expense', 'OVERHEADS', 'NONE'],
  ['461', 'Printing & Stationery', 'OVERHEADS', 'INPUT'],
  ['469', 'Rent', 'OVERHEADS', 'INPUT'],
  ['477', 'Salaries', 'OVERHEADS', 'NONE'],
  ['485', 'Subscriptions', 'OVERHEADS', 'INPUT'],
  ['489', 'Telephone & Internet', 'OVERHEADS', 'INPUT'],
  ['497', 'Bank Revaluations', 'OVERHEADS', 'NONE', 'BANKCURRENCYGAIN'],
  ['498', 'Unrealised Currency Gains', 'OVERHEADS', 'NONE', 'UNREALISEDCURRENCYGAIN'],
  ['499', 'Realised Currency Gains', 'OVERHEADS', 'NONE', 'REALISEDCURRENCYGAIN'],
  ['610', 'Accounts Receivable', 'CURRENT', 'NONE', 'DEBTORS'],
  ['620', 'Prepayments', 'CURRENT', 'NONE'],
  ['630', 'Inventory', 'INVENTORY', 'NONE'],
  ['710', 'Office Equipment', 'FIXED', 'INPUT'],
  ['800', 'Accounts Payable', 'CURRLIAB', 'NONE', 'CREDITORS'],
  ['801', 'Unpaid Expense Claims', 'CURRLIAB', 'NONE', 'UNPAIDEXPCLM'],
  ['820', 'Sales Tax', 'CURRLIAB', 'NONE', 'GST'],
  ['825', 'Employee Tax Payable', 'CURRLIAB', 'NONE'],
  ['830', 'Income Tax Payable', 'CURRLIAB', 'NONE'],
  ['840', 'Historical Adjustment', 'CURRLIAB', 'NONE', 'HISTORICAL'],
  ['850', 'Suspense', 'CURRLIAB', 'NONE'],
  ['860', 'Rounding', 'CURRLIAB', 'NONE', 'ROUNDING'],
  ['877', 'Tracking Transfers', 'CURRLIAB', 'NONE', 'TRACKINGTRANSFERS'],
  ['960', 'Retained Earnings', 'EQUITY', 'NONE', 'RETAINEDEARNINGS'],
  ['970', 'Owner A Funds Introduced', 'EQUITY', 'NONE'],
];

export const CA_TAX_RATES: TaxRow[] = [
  ['OUTPUT', 'Tax on Sales', 0, 'OUTPUT'],
  ['INPUT', 'Tax on Purchases', 0, 'INPUT'],
  ['GSTONIMPORTS', 'Sales Tax on Imports', 0, 'INPUT'],
  ['NONE', 'Tax Exempt', 0, 'NONE'],
  ['CAN014', 'AB - GST on Sales', 5, 'OUTPUT'],
  ['CAN015', 'BC - GST/PST on Sales', 12, 'OUTPUT'],
  ['CAN020', 'ON - HST on Sales', 13, 'OUTPUT'],
  ['CAN022', 'QC - GST/QST on Sales', 14.975, 'OUTPUT'],
];

export type AccountClass = (typeof ACCOUNT_CLASS)[AccountType];

/**
 * Which account classes a rate may be used with. Xero reports CanApplyToRevenue/Expenses/…
 * per rate; sim choice: sales rates never on expense accounts, purchase rates never on
 * revenue accounts, the rest anywhere (Xero's "TaxType … cannot be used with account code").
 */
export function classesFor(report: TaxRow[3]): AccountClass[] {
  if (report === 'OUTPUT') return ['REVENUE', 'ASSET', 'LIABILITY', 'EQUITY'];
  if (report === 'INPUT') return ['EXPENSE', 'ASSET', 'LIABILITY', 'EQUITY'];
  return ['REVENUE', 'EXPENSE', 'ASSET', 'LIABILITY', 'EQUITY'];
}
