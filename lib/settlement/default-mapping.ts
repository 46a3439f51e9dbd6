/**
 * The mapping Settlebridge ships with, covering the common keys of docs/domain.md#settlement-report. The account
 * codes are a suggested Amazon section of a chart of accounts, not Xero's defaults: every
 * organisation's chart differs, so bookkeepers are expected to replace them (`--mapping`).
 * Tax type NONE and LineAmountTypes NoTax because Amazon's amounts already separate tax into
 * its own lines (Tax, ShippingTax, MarketplaceFacilitatorTax-*), which map to an ordinary
 * liability (825): Xero refuses lines on its GST/VAT system account (820 in its standard chart).
 */

import type { SettlementMapping, SettlementMappingInput } from './mapping.ts';

export const DEFAULT_MAPPING_DOCUMENT = {
  version: 1,
  accounts: { reserve: '810', clearing: '815', unmapped: '899', discrepancy: '898' },
  defaultTaxType: 'NONE',
  lineAmountTypes: 'NoTax',
  trackingCategory: 'Marketplace',
  contactNames: {},
  rules: [
    // Refunds first: ties between equally specific rules go to the earlier one, and
    // Refund/ItemPrice/Principal must land in refunds, not sales.
    { transactionType: 'Refund', amountType: 'ItemPrice', accountCode: '210', description: 'Amazon refunds' },
    {
      transactionType: 'Refund',
      amountType: 'ItemPrice',
      amountDescription: 'Tax',
      accountCode: '825',
      description: 'Amazon sales tax refunded',
    },
    {
      transactionType: 'Refund',
      amountType: 'ItemPrice',
      amountDescription: 'ShippingTax',
      accountCode: '825',
      description: 'Amazon sales tax refunded',
    },
    // Sales.
    {
      amountType: 'ItemPrice',
      amountDescription: 'Principal',
      accountCode: '200',
      description: 'Amazon sales',
    },
    {
      amountType: 'ItemPrice',
      amountDescription: 'Shipping',
      accountCode: '202',
      description: 'Amazon shipping income',
    },
    {
      amountType: 'ItemPrice',
      amountDescription: 'GiftWrap',
      accountCode: '202',
      description: 'Amazon gift wrap income',
    },
    { amountType: 'ItemPrice', accountCode: '200', description: 'Amazon other item income' },
    // Tax collected and tax Amazon withholds as marketplace facilitator (they cancel out).
    {
      amountType: 'ItemPrice',
      amountDescription: 'Tax',
      accountCode: '825',
      description: 'Amazon sales tax collected',
    },
    {
      amountType: 'ItemPrice',
      amountDescription: 'ShippingTax',
      accountCode: '825',
      description: 'Amazon sales tax collected',
    },
    {
      amountType: 'ItemPrice',
      amountDescription: 'GiftWrapTax',
      accountCode: '825',
      description: 'Amazon sales tax collected',
    },
    {
      amountType: 'ItemWithheldTax',
      accountCode: '825',
      description: 'Amazon marketplace facilitator tax withheld',
    },
    // Promotions (negative: discounts given).
    { amountType: 'Promotion', accountCode: '215', description: 'Amazon promotions' },
    // Selling fees.
    { amountType: 'ItemFees', accountCode: '430', description: 'Amazon selling fees' },
    {
      amountType: 'ItemFees',
      amountDescription: 'Commission',
      accountCode: '430',
      description: 'Amazon commission',
    },
    {
      amountType: 'ItemFees',
      amountDescription: 'RefundCommission',
      accountCode: '430',
      description: 'Amazon refund commission',
    },
    {
      amountType: 'ItemFees',
      amountDescription: 'FBAPerUnitFulfillmentFee',
      accountCode: '431',
      description: 'Amazon FBA fulfilment fees',
    },
    {
      amountType: 'ItemFees',
      amountDescription: 'ShippingChargeback',
      accountCode: '431',
      description: 'Amazon shipping chargeback',
    },
    { amountType: 'ShipmentFees', accountCode: '431', description: 'Amazon FBA inbound shipment fees' },
    { transactionType: 'FBAFees', accountCode: '431', description: 'Amazon FBA fees' },
    { amountDescription: 'Storage Fee', accountCode: '432', description: 'Amazon FBA storage fees' },
    {
      amountDescription: 'StorageRenewalBilling',
      accountCode: '432',
      description: 'Amazon FBA long-term storage fees',
    },
    {
      amountDescription: 'FBALongTermStorageFee',
      accountCode: '432',
      description: 'Amazon FBA long-term storage fees',
    },
    { amountDescription: 'Subscription Fee', accountCode: '434', description: 'Amazon subscription fee' },
    { amountType: 'Cost of Advertising', accountCode: '433', description: 'Amazon advertising' },
    { transactionType: 'ServiceFee', accountCode: '430', description: 'Amazon service fees' },
    { transactionType: 'CouponRedemptionFee', accountCode: '433', description: 'Amazon coupon fees' },
    { transactionType: 'Lightning Deal Fee', accountCode: '433', description: 'Amazon deal fees' },
    { transactionType: 'Vine Enrollment Fee', accountCode: '433', description: 'Amazon Vine fees' },
    // Reimbursements and other income.
    {
      amountType: 'FBA Inventory Reimbursement',
      accountCode: '260',
      description: 'Amazon FBA inventory reimbursements',
    },
    { transactionType: 'Liquidations', accountCode: '260', description: 'Amazon liquidations' },
    { transactionType: 'Chargeback Refund', accountCode: '210', description: 'Amazon chargeback refunds' },
    { transactionType: 'Order_Retrocharge', accountCode: '825', description: 'Amazon retrocharges (tax)' },
    { transactionType: 'Refund_Retrocharge', accountCode: '825', description: 'Amazon retrocharges (tax)' },
    { transactionType: 'Commingling VAT', accountCode: '825', description: 'Amazon commingling VAT' },
    // Reserves go to the reserve balance account, never to sales.
    { amountDescription: 'Current Reserve Amount', account: 'reserve', description: 'Amazon reserve held' },
    {
      amountDescription: 'Previous Reserve Amount Balance',
      account: 'reserve',
      description: 'Amazon reserve released',
    },
  ],
} as const satisfies SettlementMappingInput;

/**
 * The document as parsing it gives it (it already fills every default), copied without zod so
 * that summarising with the default mapping loads no validation code; a test holds it equal
 * to `SettlementMappingSchema.parse(DEFAULT_MAPPING_DOCUMENT)`.
 */
export const DEFAULT_MAPPING: SettlementMapping = {
  ...DEFAULT_MAPPING_DOCUMENT,
  accounts: { ...DEFAULT_MAPPING_DOCUMENT.accounts },
  contactNames: { ...DEFAULT_MAPPING_DOCUMENT.contactNames },
  rules: DEFAULT_MAPPING_DOCUMENT.rules.map((rule) => ({ ...rule })),
};
