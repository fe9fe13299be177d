import { gstinFor, personName, stateCode, tradeName } from '../world/names';
import type { Rng } from '../world/prng';
import { hashString, rngFor } from '../world/prng';
import type { LedgerEntry, ObjectInput, VoucherFields } from './books.types';
import { BooksCompany } from './books-company';

/** A Tally-like company GUID (8-4-4-4-12 hex), stable for the world seed and key. */
export function companyGuid(seed: string, key: string): string {
  const hex = [1, 2, 3]
    .map((n) => hashString(`${seed}|books|${key}`, n).toString(16).padStart(14, '0').slice(-11))
    .join('')
    .slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const STOCK_ITEMS: readonly [name: string, unit: string, rate: number, gstRate: number, hsn: string][] = [
  ['MS Steel Rod 12mm', 'Kgs', 62, 18, '7214'],
  ['Cotton Fabric Grey', 'Mtr', 140, 5, '5208'],
  ['LED Bulb 9W', 'Nos', 95, 12, '8539'],
  ['PVC Pipe 1 inch', 'Mtr', 48, 18, '3917'],
  ['Paracetamol 500mg Strip', 'Box', 210, 12, '3004'],
  ['Basmati Rice 25 Kg Bag', 'Nos', 2350, 5, '1006'],
  ['Copper Wire 2.5 sqmm', 'Mtr', 38, 18, '8544'],
  ['Ceiling Fan 1200mm', 'Nos', 2150, 18, '8414'],
  ['Groundnut Oil 15 Ltr Tin', 'Nos', 2650, 5, '1508'],
  ['A4 Copier Paper Ream', 'Nos', 265, 12, '4802'],
  ['Cement OPC 53 Grade Bag', 'Nos', 395, 28, '2523'],
  ['Polyester Yarn', 'Kgs', 185, 12, '5402'],
];
const EXPENSES = [
  'Rent',
  'Salaries',
  'Electricity Charges',
  'Telephone Charges',
  'Printing & Stationery',
  'Freight Inward',
];
const COST_CENTRES = ['Head Office', 'Sales Team', 'Operations', 'Warehouse'];
const VOUCHER_TYPES = ['Sales', 'Purchase', 'Payment', 'Receipt', 'Journal', 'Contra'];

const round2 = (n: number): number => Math.round(n * 100) / 100;

interface Parties {
  debtors: { name: string; state: string }[];
  creditors: { name: string; state: string }[];
}

/**
 * Builds a company whose books hold `vouchers` vouchers and the masters they use, all from the PRNG seeded
 * with the world seed and the key (same key, same books). `0` gives only the default groups. Voucher dates
 * fall in the year before `now`. Everything goes through `apply`, so the seed obeys the import's rules.
 */
export function seedCompany(
  seed: string,
  key: string,
  name: string,
  vouchers: number,
  now: Date,
): BooksCompany {
  const company = new BooksCompany(key, name, companyGuid(seed, key));
  if (vouchers <= 0) return company;
  const rng = rngFor(seed, 'books', key);
  const home = stateCode(rng);
  const create = (input: ObjectInput): void => {
    const outcome = company.apply('Create', input);
    if (outcome.kind === 'error') throw new Error(`seeding ${key}: ${outcome.error}`);
  };
  for (const [symbol, formalName] of [
    ['₹', 'INR'],
    ['$', 'USD'],
    ['€', 'EUR'],
  ]) {
    create({ type: 'CURRENCY', name: symbol, fields: { formalName, decimals: 2 } });
  }
  for (const unit of ['Nos', 'Kgs', 'Mtr', 'Box', 'Ltr']) {
    create({
      type: 'UNIT',
      name: unit,
      fields: { formalName: unit, decimals: unit === 'Nos' || unit === 'Box' ? 0 : 2 },
    });
  }
  const groups: [string, string][] = [
    ['Local Debtors', 'Sundry Debtors'],
    ['Interstate Debtors', 'Sundry Debtors'],
    ['Local Creditors', 'Sundry Creditors'],
    ['GST Payable', 'Duties & Taxes'],
    ['Office Expenses', 'Indirect Expenses'],
  ];
  for (const [group, parent] of groups) create({ type: 'GROUP', name: group, fields: { parent } });
  const ledger = (ledgerName: string, parent: string, extra: Partial<ObjectInput['fields']> = {}): void =>
    create({ type: 'LEDGER', name: ledgerName, fields: { parent, currency: '₹', ...extra } });
  ledger('Cash', 'Cash-in-Hand', { openingBalance: -round2(rng.range(5_000, 50_000)) });
  ledger('HDFC Bank', 'Bank Accounts', { openingBalance: -round2(rng.range(100_000, 900_000)) });
  ledger('ICICI Bank', 'Bank Accounts');
  ledger(`Capital - ${personName(rng)}`, 'Capital Account', {
    openingBalance: round2(rng.range(500_000, 2_000_000)),
  });
  for (const l of ['Sales - Local', 'Sales - Interstate']) ledger(l, 'Sales Accounts');
  for (const l of ['Purchase - Local', 'Purchase - Interstate']) ledger(l, 'Purchase Accounts');
  for (const l of ['Output CGST', 'Output SGST', 'Output IGST', 'Input CGST', 'Input SGST', 'Input IGST'])
    ledger(l, 'GST Payable');
  for (const l of EXPENSES) ledger(l, 'Office Expenses');
  ledger('Outstanding Expenses', 'Provisions');
  const parties = seedParties(rng, home, Math.min(80, 6 + Math.floor(vouchers / 50)), ledger);
  for (const centre of COST_CENTRES) create({ type: 'COSTCENTRE', name: centre, fields: {} });
  for (const [item, unit, , gstRate, hsn] of STOCK_ITEMS) {
    create({ type: 'STOCKITEM', name: item, fields: { baseUnits: unit, gstRate, hsn } });
  }
  for (const type of VOUCHER_TYPES)
    create({ type: 'VOUCHERTYPE', name: type, fields: { parent: type, numbering: 'Automatic' } });
  const numbers = new Map<string, number>();
  const start = now.getTime() - 365 * 86_400_000;
  for (let i = 0; i < vouchers; i++) {
    const date = tallyDate(new Date(start + Math.floor((i / vouchers) * 365) * 86_400_000));
    const kind = rng.weighted({ Sales: 35, Purchase: 25, Payment: 15, Receipt: 15, Journal: 10 });
    const number = (numbers.get(kind) ?? 0) + 1;
    numbers.set(kind, number);
    create({ type: 'VOUCHER', fields: makeVoucher(rng, kind, date, String(number), home, parties) });
  }
  return company;
}

function seedParties(
  rng: Rng,
  home: string,
  count: number,
  ledger: (name: string, parent: string, extra?: Partial<ObjectInput['fields']>) => void,
): Parties {
  const used = new Set<string>();
  const parties: Parties = { debtors: [], creditors: [] };
  for (let i = 0; i < count; i++) {
    let name = tradeName(rng);
    for (let n = 2; used.has(name); n++) name = `${tradeName(rng)}${n > 4 ? ` ${n}` : ''}`;
    used.add(name);
    const state = rng.chance(0.7) ? home : stateCode(rng);
    const gstin = rng.chance(0.8) ? gstinFor(rng, state) : undefined;
    const debtor = i % 2 === 0;
    const parent = debtor ? (state === home ? 'Local Debtors' : 'Interstate Debtors') : 'Local Creditors';
    ledger(name, parent, { gstin, state });
    (debtor ? parties.debtors : parties.creditors).push({ name, state });
  }
  return parties;
}

export function tallyDate(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** A balanced voucher of the kind (sales and purchase with stock lines and GST). */
export function makeVoucher(
  rng: Rng,
  kind: string,
  date: string,
  voucherNumber: string,
  home: string,
  parties: Parties,
): VoucherFields {
  if (kind === 'Sales' || kind === 'Purchase') return invoice(rng, kind, date, voucherNumber, home, parties);
  const amount = round2(rng.range(500, 150_000));
  const bank = rng.pick(['HDFC Bank', 'ICICI Bank', 'Cash']);
  const expense = rng.pick(EXPENSES);
  const centre = [{ costCentre: rng.pick(COST_CENTRES), amount: -amount }];
  const entries: Record<string, LedgerEntry[]> = {
    Payment: rng.chance(0.5)
      ? [
          { ledger: expense, amount: -amount, costCentres: centre },
          { ledger: bank, amount },
        ]
      : [
          { ledger: rng.pick(parties.creditors).name, amount: -amount },
          { ledger: bank, amount },
        ],
    Receipt: [
      { ledger: bank, amount: -amount },
      { ledger: rng.pick(parties.debtors).name, amount },
    ],
    Journal: [
      { ledger: expense, amount: -amount, costCentres: centre },
      { ledger: 'Outstanding Expenses', amount },
    ],
  };
  return {
    voucherType: kind,
    date,
    voucherNumber,
    narration: `${kind} ${kind === 'Journal' ? `provision for ${expense.toLowerCase()}` : `via ${bank}`}`,
    ledgerEntries: entries[kind],
  };
}

function invoice(
  rng: Rng,
  kind: 'Sales' | 'Purchase',
  date: string,
  voucherNumber: string,
  home: string,
  parties: Parties,
): VoucherFields {
  const party = rng.pick(kind === 'Sales' ? parties.debtors : parties.creditors);
  const sign = kind === 'Sales' ? 1 : -1;
  const lines = Array.from({ length: rng.int(1, 3) }, () => {
    const [stockItem, , rate, gstRate] = rng.pick(STOCK_ITEMS);
    const quantity = rng.int(1, 60);
    return { stockItem, rate, quantity, amount: sign * round2(rate * quantity), gstRate };
  });
  const taxable = round2(lines.reduce((sum, l) => sum + Math.abs(l.amount), 0));
  const tax = round2(lines.reduce((sum, l) => sum + (Math.abs(l.amount) * l.gstRate) / 100, 0));
  const local = party.state === home;
  const io = kind === 'Sales' ? 'Output' : 'Input';
  const half = round2(tax / 2);
  const taxes: LedgerEntry[] = local
    ? [
        { ledger: `${io} CGST`, amount: sign * half },
        { ledger: `${io} SGST`, amount: sign * round2(tax - half) },
      ]
    : [{ ledger: `${io} IGST`, amount: sign * tax }];
  return {
    voucherType: kind,
    date,
    voucherNumber,
    narration: `${kind === 'Sales' ? 'Sold to' : 'Bought from'} ${party.name}`,
    partyLedger: party.name,
    ledgerEntries: [
      { ledger: party.name, amount: -sign * round2(taxable + tax) },
      { ledger: `${kind} - ${local ? 'Local' : 'Interstate'}`, amount: sign * taxable },
      ...taxes,
    ],
    inventoryEntries: lines.map(({ gstRate: _g, ...line }) => line),
  };
}
