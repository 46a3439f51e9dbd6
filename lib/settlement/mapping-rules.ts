/**
 * Matching a line type (transaction type / amount type / amount description) to the
 * mapping's rules, without zod (the schema and its validation are in mapping.ts), so the
 * summariser and the command line load only this. "Settlement key" means the stored
 * settlement's key (lib/messages.ts), never this.
 */

import type { MappingRule, SettlementMapping } from './mapping.ts';

/** What identifies a settlement line's type, and so its mapping rule. */
export interface LineTypeKey {
  transactionType: string;
  amountType: string;
  amountDescription: string;
}

export type LineKind = 'mapped' | 'reserve' | 'unmapped';

export interface LineTarget {
  accountCode: string;
  taxType: string;
  description: string;
  kind: LineKind;
}

/** The key as shown to users and in the JSON output: "Order/ItemPrice/Principal". */
export function keyLabel(key: LineTypeKey): string {
  return `${key.transactionType}/${key.amountType}/${key.amountDescription}`;
}

function matches(field: string | undefined, value: string): boolean {
  // Amazon's capitalisation drifts between eras ("Shipping" / "shipping"): compare loosely.
  return field === undefined || field.toLowerCase() === value.toLowerCase();
}

function specificity(rule: MappingRule): number {
  return (
    (rule.transactionType === undefined ? 0 : 1) +
    (rule.amountType === undefined ? 0 : 1) +
    (rule.amountDescription === undefined ? 0 : 1)
  );
}

/**
 * The account, tax type and description for `key`. Unknown keys are never dropped: they get
 * the unmapped suspense account and a description that names the key, and `kind: 'unmapped'`
 * so callers can report them.
 */
export function resolveKey(mapping: SettlementMapping, key: LineTypeKey): LineTarget {
  let best: MappingRule | undefined;
  let bestScore = -1;
  for (const rule of mapping.rules) {
    if (
      matches(rule.transactionType, key.transactionType) &&
      matches(rule.amountType, key.amountType) &&
      matches(rule.amountDescription, key.amountDescription)
    ) {
      const score = specificity(rule);
      if (score > bestScore) {
        best = rule;
        bestScore = score;
      }
    }
  }
  if (!best) {
    return {
      accountCode: mapping.accounts.unmapped,
      taxType: mapping.defaultTaxType,
      description: `Unmapped: ${keyLabel(key)}`,
      kind: 'unmapped',
    };
  }
  const isReserve = best.account === 'reserve';
  return {
    accountCode: isReserve ? mapping.accounts.reserve : best.accountCode!,
    taxType: best.taxType ?? mapping.defaultTaxType,
    description: best.description,
    kind: isReserve ? 'reserve' : 'mapped',
  };
}
