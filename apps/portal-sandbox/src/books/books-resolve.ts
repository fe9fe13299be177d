import { gstinProblem } from '@practice-sync/contracts';

import type { MasterFields, MasterType, StoredMaster, StoredVoucher, VoucherFields } from './books.types';
import { TYPE_LABELS } from './books.types';
import { PRIMARY } from './books-defaults';

/** Looks a master up by name (case-insensitive, as Tally does). */
export type FindByName = (type: MasterType, name: string) => StoredMaster | undefined;

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

const missing = (type: MasterType, name: string): { ok: false; error: string } => ({
  ok: false,
  error: `${TYPE_LABELS[type]} '${name}' does not exist!`,
});

const DATE = /^(\d{4})(\d{2})(\d{2})$/;

export function isTallyDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Amounts are compared in paise so that 0.1 + 0.2 balances. */
export const paise = (amount: number): number => Math.round(amount * 100);

const money = (p: number): string => (Math.abs(p) / 100).toFixed(2);

/** A master's fields with refs (parent, currency, base units) turned into GUIDs, or Tally's error. */
export function resolveMaster(
  type: MasterType,
  name: string,
  fields: MasterFields,
  find: FindByName,
): Resolved<MasterFields> {
  const out: MasterFields = { ...fields };
  const ref = (refType: MasterType, refName: string | undefined): Resolved<string | undefined> => {
    if (refName === undefined || refName === '' || (refType === 'GROUP' && refName === PRIMARY))
      return { ok: true, value: undefined };
    const found = find(refType, refName);
    return found ? { ok: true, value: found.guid } : missing(refType, refName);
  };
  if (type === 'GROUP' || type === 'LEDGER' || type === 'COSTCENTRE') {
    if (type === 'LEDGER' && !fields.parent)
      return { ok: false, error: `Ledger '${name}': Group is missing!` };
    const parent = ref(type === 'COSTCENTRE' ? 'COSTCENTRE' : 'GROUP', fields.parent);
    if (!parent.ok) return parent;
    out.parent = parent.value;
  }
  if (type === 'LEDGER') {
    const currency = ref('CURRENCY', fields.currency);
    if (!currency.ok) return currency;
    out.currency = currency.value;
    if (fields.gstin) {
      const problem = gstinProblem(fields.gstin);
      if (problem) return { ok: false, error: `Ledger '${name}': GSTIN/UIN '${fields.gstin}' is invalid!` };
    }
  }
  if (type === 'STOCKITEM') {
    const units = ref('UNIT', fields.baseUnits);
    if (!units.ok) return units;
    out.baseUnits = units.value;
  }
  for (const key of Object.keys(out) as (keyof MasterFields)[]) if (out[key] === undefined) delete out[key];
  return { ok: true, value: out };
}

type VoucherBody = Omit<StoredVoucher, 'type' | 'guid' | 'id' | 'alterId'>;

/** A voucher with every master it names resolved, balanced, or the first error Tally would give. */
export function resolveVoucher(fields: VoucherFields, find: FindByName): Resolved<VoucherBody> {
  const type = find('VOUCHERTYPE', fields.voucherType);
  if (!type) return missing('VOUCHERTYPE', fields.voucherType);
  if (!isTallyDate(fields.date)) return { ok: false, error: `Voucher date '${fields.date}' is invalid!` };
  let party: string | null = null;
  if (fields.partyLedger) {
    const found = find('LEDGER', fields.partyLedger);
    if (!found) return missing('LEDGER', fields.partyLedger);
    party = found.guid;
  }
  const ledgerEntries: VoucherBody['ledgerEntries'] = [];
  let dr = 0;
  let cr = 0;
  for (const entry of fields.ledgerEntries) {
    const ledger = find('LEDGER', entry.ledger);
    if (!ledger) return missing('LEDGER', entry.ledger);
    const costCentres: VoucherBody['ledgerEntries'][number]['costCentres'] = [];
    for (const allocation of entry.costCentres ?? []) {
      const centre = find('COSTCENTRE', allocation.costCentre);
      if (!centre) return missing('COSTCENTRE', allocation.costCentre);
      costCentres.push({ costCentre: centre.guid, amount: allocation.amount });
    }
    const p = paise(entry.amount);
    if (p < 0) dr -= p;
    else cr += p;
    ledgerEntries.push({ ledger: ledger.guid, amount: entry.amount, costCentres });
  }
  if (ledgerEntries.length === 0) return { ok: false, error: 'No entries in Voucher!' };
  if (dr !== cr) {
    const diff = `${money(dr - cr)} ${dr > cr ? 'Dr' : 'Cr'}`;
    return {
      ok: false,
      error: `Voucher totals do not match! Dr: ${money(dr)} Dr Cr: ${money(cr)} Cr Diff: ${diff}`,
    };
  }
  const inventoryEntries: VoucherBody['inventoryEntries'] = [];
  for (const entry of fields.inventoryEntries ?? []) {
    const item = find('STOCKITEM', entry.stockItem);
    if (!item) return missing('STOCKITEM', entry.stockItem);
    inventoryEntries.push({
      stockItem: item.guid,
      rate: entry.rate,
      quantity: entry.quantity,
      amount: entry.amount,
    });
  }
  return {
    ok: true,
    value: {
      voucherType: type.guid,
      date: fields.date,
      voucherNumber: fields.voucherNumber,
      narration: fields.narration ?? '',
      partyLedger: party,
      ledgerEntries,
      inventoryEntries,
    },
  };
}
