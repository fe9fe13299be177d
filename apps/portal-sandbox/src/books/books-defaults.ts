/**
 * Tally's 28 predefined groups: 15 primary groups (with their nature) and 13 sub-groups under them.
 * Every company has them from the start (`vouchers: 0` gives only these); they are reserved: objects refer
 * to them by name and an import never alters or deletes them.
 */
export const PRIMARY_GROUPS: readonly [name: string, nature: string][] = [
  ['Branch / Divisions', 'Liabilities'],
  ['Capital Account', 'Liabilities'],
  ['Current Assets', 'Assets'],
  ['Current Liabilities', 'Liabilities'],
  ['Direct Expenses', 'Expenses'],
  ['Direct Incomes', 'Income'],
  ['Fixed Assets', 'Assets'],
  ['Indirect Expenses', 'Expenses'],
  ['Indirect Incomes', 'Income'],
  ['Investments', 'Assets'],
  ['Loans (Liability)', 'Liabilities'],
  ['Misc. Expenses (ASSET)', 'Assets'],
  ['Purchase Accounts', 'Expenses'],
  ['Sales Accounts', 'Income'],
  ['Suspense A/c', 'Liabilities'],
];

export const SUB_GROUPS: readonly [name: string, parent: string][] = [
  ['Bank Accounts', 'Current Assets'],
  ['Bank OD A/c', 'Loans (Liability)'],
  ['Cash-in-Hand', 'Current Assets'],
  ['Deposits (Asset)', 'Current Assets'],
  ['Duties & Taxes', 'Current Liabilities'],
  ['Loans & Advances (Asset)', 'Current Assets'],
  ['Provisions', 'Current Liabilities'],
  ['Reserves & Surplus', 'Capital Account'],
  ['Secured Loans', 'Loans (Liability)'],
  ['Stock-in-Hand', 'Current Assets'],
  ['Sundry Creditors', 'Current Liabilities'],
  ['Sundry Debtors', 'Current Assets'],
  ['Unsecured Loans', 'Loans (Liability)'],
];

/** The name Tally gives the top of the group tree (`PARENT` empty or `Primary`). */
export const PRIMARY = 'Primary';
