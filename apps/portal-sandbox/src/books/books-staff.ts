import { gstinFor, stateCode, tradeName } from '../world/names';
import type { Rng } from '../world/prng';
import type { MasterType, ObjectInput, ObjectType, StoredObject } from './books.types';
import type { BooksCompany } from './books-company';
import { makeVoucher, tallyDate } from './books-seed';
import { inputOf } from './books-view';

/** A name of the type that the books do not hold yet, from `make`. */
function freshName(company: BooksCompany, type: MasterType, make: () => string): string {
  for (let i = 0; i < 20; i++) {
    const name = make();
    if (!company.findByName(type, name)) return name;
  }
  for (let n = 2; ; n++) {
    const name = `${make()} ${n}`;
    if (!company.findByName(type, name)) return name;
  }
}

const names = (company: BooksCompany, type: ObjectType): string[] =>
  company.changed(type).flatMap((o) => (o.type === 'VOUCHER' ? [] : [o.name]));

/**
 * What branch staff would create when a control call gives no body: a new party, item, centre… or a sales
 * voucher from the masters the books hold. Null when the books lack the masters to make one.
 */
export function staffCreate(
  company: BooksCompany,
  type: ObjectType,
  rng: Rng,
  now: Date,
): ObjectInput | null {
  const home = stateCode(rng);
  switch (type) {
    case 'LEDGER': {
      const name = freshName(company, 'LEDGER', () => tradeName(rng));
      const parent = company.findByName('GROUP', 'Local Debtors') ? 'Local Debtors' : 'Sundry Debtors';
      return { type, name, fields: { parent, gstin: gstinFor(rng, home), state: home } };
    }
    case 'GROUP':
      return {
        type,
        name: freshName(company, type, () => `${tradeName(rng).split(' ')[1]} Debtors`),
        fields: { parent: 'Sundry Debtors' },
      };
    case 'COSTCENTRE':
      return {
        type,
        name: freshName(
          company,
          type,
          () => `${rng.pick(['Pune', 'Surat', 'Nagpur', 'Indore', 'Kochi'])} Branch`,
        ),
        fields: {},
      };
    case 'UNIT':
      return {
        type,
        name: freshName(company, type, () => rng.pick(['Pcs', 'Dozen', 'Set', 'Pair', 'Bag'])),
        fields: { decimals: 0 },
      };
    case 'CURRENCY':
      return {
        type,
        name: freshName(company, type, () => rng.pick(['£', 'AED', '¥', 'S$'])),
        fields: { decimals: 2 },
      };
    case 'VOUCHERTYPE':
      return {
        type,
        name: freshName(company, type, () => `${rng.pick(['GST', 'Export', 'Counter'])} Sales`),
        fields: { parent: 'Sales', numbering: 'Automatic' },
      };
    case 'STOCKITEM': {
      const unit = company.changed('UNIT')[0];
      const name = freshName(
        company,
        type,
        () => `${rng.pick(['Steel', 'Cotton', 'Copper', 'Jute'])} ${rng.pick(['Sheet', 'Roll', 'Bundle'])}`,
      );
      return {
        type,
        name,
        fields: {
          ...(unit && unit.type !== 'VOUCHER' ? { baseUnits: unit.name } : {}),
          gstRate: 18,
          hsn: '7210',
        },
      };
    }
    case 'VOUCHER':
      return staffVoucher(company, rng, now);
  }
}

function staffVoucher(company: BooksCompany, rng: Rng, now: Date): ObjectInput | null {
  const need = ['Sales', 'Sales - Local', 'Output CGST', 'Output SGST'];
  const ledgers = company.changed('LEDGER').flatMap((o) => (o.type === 'LEDGER' ? [o] : []));
  const debtors = ledgers.filter((l) => /Debtors/.test(company.master(l.fields.parent ?? '')?.name ?? ''));
  if (
    !company.findByName('VOUCHERTYPE', need[0]) ||
    need.slice(1).some((n) => !company.findByName('LEDGER', n))
  )
    return null;
  if (debtors.length === 0 || names(company, 'STOCKITEM').length === 0) return null;
  const state = (d: (typeof debtors)[number]): string => d.fields.state ?? '';
  const parties = {
    debtors: debtors.map((d) => ({ name: d.name, state: state(debtors[0]) })),
    creditors: [],
  };
  const number = String(company.count('VOUCHER') + 1);
  const fields = makeVoucher(rng, 'Sales', tallyDate(now), number, state(debtors[0]), parties);
  return { type: 'VOUCHER', fields };
}

/** A realistic alteration of the object: a new opening balance, GST rate, narration and amounts… */
export function staffAlter(company: BooksCompany, o: StoredObject, rng: Rng): ObjectInput {
  const input = inputOf(company, o);
  if (input.type === 'VOUCHER') {
    const f = input.fields;
    const bump = rng.int(1, 50) * 10;
    const two = f.ledgerEntries.length === 2 && (f.inventoryEntries ?? []).length === 0;
    return {
      ...input,
      fields: {
        ...f,
        narration: `${f.narration ?? ''} (corrected)`.trim(),
        ledgerEntries: two
          ? f.ledgerEntries.map((e) => {
              const amount = Math.round((e.amount + Math.sign(e.amount) * bump) * 100) / 100;
              return {
                ...e,
                amount,
                ...(e.costCentres ? { costCentres: e.costCentres.map((c) => ({ ...c, amount })) } : {}),
              };
            })
          : f.ledgerEntries,
      },
    };
  }
  const f = { ...input.fields };
  if (input.type === 'LEDGER')
    f.openingBalance = Math.round(((f.openingBalance ?? 0) - rng.int(1, 500) * 100) * 100) / 100;
  else if (input.type === 'STOCKITEM') f.gstRate = f.gstRate === 18 ? 12 : 18;
  else if (input.type === 'VOUCHERTYPE') f.numbering = f.numbering === 'Manual' ? 'Automatic' : 'Manual';
  else if (input.type === 'UNIT' || input.type === 'CURRENCY') f.decimals = f.decimals === 2 ? 3 : 2;
  else if (input.type === 'GROUP') f.parent = regroup(company, f.parent ?? '');
  else if (input.type === 'COSTCENTRE')
    f.parent = f.parent || input.name === 'Head Office' ? '' : 'Head Office';
  return { ...input, fields: f };
}

/** A rename as staff would do it: a party gains or changes its legal suffix, other masters a qualifier. */
export function staffRename(company: BooksCompany, o: StoredObject): string {
  if (o.type === 'VOUCHER') return '';
  if (o.type !== 'LEDGER')
    return freshName(company, o.type, () => `${o.name} (${o.type === 'STOCKITEM' ? 'New Pack' : 'Renamed'})`);
  const base = o.name.replace(/ (Pvt Ltd|LLP|Limited)$/, '');
  return freshName(company, o.type, () => `${base} ${o.name.endsWith('Pvt Ltd') ? 'Limited' : 'Pvt Ltd'}`);
}

/** A group moves one level up its tree (Sundry Debtors → Current Assets), or down into a sub-group. */
function regroup(company: BooksCompany, parent: string): string {
  const current = company.findByName('GROUP', parent);
  const up = current?.fields.parent ? company.master(current.fields.parent)?.name : undefined;
  if (up) return up;
  const down = company
    .changed('GROUP')
    .find(
      (g) => g.type === 'GROUP' && g.reserved && current !== undefined && g.fields.parent === current.guid,
    );
  if (down && down.type === 'GROUP') return down.name;
  // A primary group without sub-groups: the other primary group of the same nature (Indirect → Direct Expenses).
  const twin = company
    .changed('GROUP')
    .find(
      (g) =>
        g.type === 'GROUP' &&
        g.reserved &&
        !g.fields.parent &&
        g.guid !== current?.guid &&
        g.fields.nature === current?.fields.nature,
    );
  return twin && twin.type === 'GROUP' ? twin.name : parent;
}
