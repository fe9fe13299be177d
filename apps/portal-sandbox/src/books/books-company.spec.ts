import { isGstin } from '@practice-sync/contracts';

import type { StoredMaster, StoredVoucher, VoucherFields } from './books.types';
import { PRIMARY_GROUPS, SUB_GROUPS } from './books-defaults';
import { paise } from './books-resolve';
import { seedCompany } from './books-seed';
import { objectView } from './books-view';

const NOW = new Date('2026-03-01T00:00:00Z');
const books = (vouchers = 30, key = 'ho') => seedCompany('spec-seed', key, 'Head Office Ltd', vouchers, NOW);

const ledgerNamed = (company: ReturnType<typeof books>, name: string): StoredMaster => {
  const found = company.findByName('LEDGER', name);
  if (!found) throw new Error(`no ledger ${name}`);
  return found;
};

const payment = (amount: number, credit = amount): VoucherFields => ({
  voucherType: 'Payment',
  date: '20260115',
  voucherNumber: '900',
  narration: 'Rent for January',
  ledgerEntries: [
    { ledger: 'Rent', amount: -amount },
    { ledger: 'HDFC Bank', amount: credit },
  ],
});

describe('books engine', () => {
  it('seeds the same books from the same key, and other books from another key', () => {
    const views = (company: ReturnType<typeof books>) =>
      company.changed('VOUCHER').map((v) => objectView(company, v));
    expect(views(books())).toEqual(views(books()));
    expect(views(books(30, 'branch-1'))).not.toEqual(views(books()));
  });

  it('holds only the 28 default groups, with their parents, when seeded with 0 vouchers', () => {
    const company = books(0);
    const groups = company.changed('GROUP') as StoredMaster[];
    expect(groups).toHaveLength(PRIMARY_GROUPS.length + SUB_GROUPS.length);
    expect(groups).toHaveLength(28);
    expect(company.count('LEDGER')).toBe(0);
    expect(company.count('VOUCHER')).toBe(0);
    const debtors = company.findByName('GROUP', 'Sundry Debtors');
    expect(company.master(debtors?.fields.parent ?? '')?.name).toBe('Current Assets');
  });

  it('seeds balanced vouchers of every kind, stock lines on invoices, valid GSTINs on parties', () => {
    const company = books(200);
    const vouchers = company.changed('VOUCHER') as StoredVoucher[];
    expect(vouchers).toHaveLength(200);
    for (const v of vouchers) expect(v.ledgerEntries.reduce((s, e) => s + paise(e.amount), 0)).toBe(0);
    const kinds = new Set(vouchers.map((v) => company.master(v.voucherType)?.name));
    expect([...kinds].sort()).toEqual(['Journal', 'Payment', 'Purchase', 'Receipt', 'Sales']);
    const invoices = vouchers.filter((v) => v.inventoryEntries.length > 0);
    expect(invoices.length).toBeGreaterThan(50);
    const gstins = (company.changed('LEDGER') as StoredMaster[]).flatMap((l) =>
      l.fields.gstin ? [l.fields.gstin] : [],
    );
    expect(gstins.length).toBeGreaterThan(3);
    expect(gstins.every(isGstin)).toBe(true);
    for (const type of ['STOCKITEM', 'UNIT', 'CURRENCY', 'COSTCENTRE', 'VOUCHERTYPE'] as const) {
      expect(company.count(type)).toBeGreaterThan(0);
    }
  });

  it('gives every change a new ALTERID from one company-wide counter', () => {
    const company = books(5);
    const before = company.lastAlterId;
    const created = company.apply('Create', { type: 'VOUCHER', fields: payment(1000) });
    const ledger = company.apply('Create', {
      type: 'LEDGER',
      name: 'Courier Charges',
      fields: { parent: 'Indirect Expenses' },
    });
    expect(created.kind).toBe('created');
    expect(ledger.kind).toBe('created');
    if (created.kind === 'error' || ledger.kind === 'error') return;
    expect(created.object.alterId).toBe(before + 1);
    expect(ledger.object.alterId).toBe(before + 2);
    expect(company.lastAlterId).toBe(before + 2);
  });

  it('refuses a voucher whose ledger does not exist with Tally’s text, and applies nothing', () => {
    const company = books(5);
    const before = { alter: company.lastAlterId, vouchers: company.count('VOUCHER') };
    const fields = payment(500);
    fields.ledgerEntries[0].ledger = 'Canteen Expenses';
    expect(company.apply('Create', { type: 'VOUCHER', fields })).toEqual({
      kind: 'error',
      error: "Ledger 'Canteen Expenses' does not exist!",
    });
    expect({ alter: company.lastAlterId, vouchers: company.count('VOUCHER') }).toEqual(before);
  });

  it('refuses an unknown voucher type and an unbalanced voucher', () => {
    const company = books(5);
    expect(
      company.apply('Create', { type: 'VOUCHER', fields: { ...payment(10), voucherType: 'Stock Journal' } }),
    ).toEqual({
      kind: 'error',
      error: "Voucher Type 'Stock Journal' does not exist!",
    });
    expect(company.apply('Create', { type: 'VOUCHER', fields: payment(1000, 900) })).toEqual({
      kind: 'error',
      error: 'Voucher totals do not match! Dr: 1000.00 Dr Cr: 900.00 Cr Diff: 100.00 Dr',
    });
    // 0.1 + 0.2 against 0.3 balances: amounts are compared in paise.
    const cents = {
      ...payment(0.3),
      ledgerEntries: [
        { ledger: 'Rent', amount: -0.1 },
        { ledger: 'Rent', amount: -0.2 },
        { ledger: 'Cash', amount: 0.3 },
      ],
    };
    expect(company.apply('Create', { type: 'VOUCHER', fields: cents }).kind).toBe('created');
  });

  it('renames a master in place: same GUID, a higher ALTERID, vouchers show the new name', () => {
    const company = books(40);
    const party =
      (company.changed('VOUCHER') as StoredVoucher[]).find((v) => v.partyLedger)?.partyLedger ?? '';
    const ledger = company.master(party) as StoredMaster;
    const outcome = company.apply('Alter', {
      type: 'LEDGER',
      guid: ledger.guid,
      name: 'Renamed Traders',
      fields: objectFields(company, ledger),
    });
    expect(outcome.kind).toBe('altered');
    const renamed = company.master(ledger.guid) as StoredMaster;
    expect(renamed.name).toBe('Renamed Traders');
    expect(renamed.alterId).toBe(company.lastAlterId);
    expect(renamed.alterId).toBeGreaterThan(ledger.alterId);
    expect(company.findByName('LEDGER', ledger.name)).toBeUndefined();
    expect(company.count('LEDGER')).toBe((company.changed('LEDGER') as StoredMaster[]).length);
    const voucher = (company.changed('VOUCHER') as StoredVoucher[]).find(
      (v) => v.partyLedger === ledger.guid,
    ) as StoredVoucher;
    expect(objectView(company, voucher).partyLedger).toBe('Renamed Traders');
  });

  it('refuses a rename onto another master’s name', () => {
    const company = books(5);
    const cash = ledgerNamed(company, 'Cash');
    expect(
      company.apply('Alter', {
        type: 'LEDGER',
        guid: cash.guid,
        name: 'HDFC Bank',
        fields: objectFields(company, cash),
      }),
    ).toEqual({
      kind: 'error',
      error: "Ledger 'HDFC Bank' already exists!",
    });
  });

  it('deletes a voucher into a tombstone with its own ALTERID; a second delete is ignored', () => {
    const company = books(10);
    const voucher = company.changed('VOUCHER')[3];
    const input = { type: 'VOUCHER' as const, guid: voucher.guid, fields: payment(1) };
    const outcome = company.apply('Delete', input);
    expect(outcome.kind).toBe('deleted');
    expect(company.get(voucher.guid)).toBeUndefined();
    expect(company.deleted({ after: voucher.alterId })).toEqual([
      expect.objectContaining({ guid: voucher.guid, type: 'VOUCHER', alterId: company.lastAlterId }),
    ]);
    expect(company.apply('Delete', input).kind).toBe('ignored');
    expect(company.apply('Delete', { ...input, guid: 'no-such-guid' })).toEqual({
      kind: 'error',
      error: "Voucher 'no-such-guid' does not exist!",
    });
  });

  it('refuses to delete a ledger that vouchers use, and never touches the reserved groups', () => {
    const company = books(10);
    const bank = ledgerNamed(company, 'HDFC Bank');
    const used = (company.changed('VOUCHER') as StoredVoucher[]).some((v) =>
      v.ledgerEntries.some((e) => e.ledger === bank.guid),
    );
    if (used) {
      expect(
        company.apply('Delete', { type: 'LEDGER', guid: bank.guid, name: bank.name, fields: {} }),
      ).toEqual({
        kind: 'error',
        error: "Cannot delete Ledger 'HDFC Bank': it is in use!",
      });
    }
    const debtors = company.findByName('GROUP', 'Sundry Debtors') as StoredMaster;
    expect(company.apply('Delete', { type: 'GROUP', name: 'Sundry Debtors', fields: {} }).kind).toBe(
      'ignored',
    );
    expect(company.master(debtors.guid)).toBeDefined();
  });

  it('exports what changed after a watermark, oldest change first', () => {
    const company = books(10);
    const mark = company.lastAlterId;
    expect(company.changed('LEDGER', { after: mark })).toEqual([]);
    const cash = ledgerNamed(company, 'Cash');
    company.apply('Alter', {
      type: 'LEDGER',
      guid: cash.guid,
      name: 'Cash',
      fields: { ...objectFields(company, cash), openingBalance: -1 },
    });
    company.apply('Create', { type: 'LEDGER', name: 'Petty Cash', fields: { parent: 'Cash-in-Hand' } });
    expect(company.changed('LEDGER', { after: mark }).map((l) => (l as StoredMaster).name)).toEqual([
      'Cash',
      'Petty Cash',
    ]);
    expect(company.changed('LEDGER', { after: mark, upTo: mark + 1 })).toHaveLength(1);
    expect(company.changed('VOUCHER', { after: mark })).toEqual([]);
  });

  it('treats a create of a known GUID with the same content as ignored and keeps the ALTERID', () => {
    const company = books(5);
    const cash = ledgerNamed(company, 'Cash');
    const mark = company.lastAlterId;
    expect(
      company.apply('Create', {
        type: 'LEDGER',
        guid: cash.guid,
        name: 'Cash',
        fields: objectFields(company, cash),
      }).kind,
    ).toBe('ignored');
    expect(company.lastAlterId).toBe(mark);
    expect(
      company.apply('Alter', {
        type: 'LEDGER',
        guid: 'unknown',
        name: 'Ghost',
        fields: { parent: 'Sundry Debtors' },
      }),
    ).toEqual({
      kind: 'error',
      error: "Ledger 'Ghost' does not exist!",
    });
  });
});

function objectFields(company: ReturnType<typeof books>, m: StoredMaster): StoredMaster['fields'] {
  const view = objectView(company, m);
  const { type: _t, guid: _g, masterId: _m, alterId: _a, name: _n, reserved: _r, ...fields } = view;
  return fields as StoredMaster['fields'];
}
