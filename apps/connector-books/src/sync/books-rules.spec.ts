import type { BooksRule } from '@practice-sync/contracts';

import type { BooksObject } from '../tally/books-objects';
import { allowed, deletionAllowed, directionsFor, rulesFor } from './books-rules';

const rule = (over: Partial<BooksRule>): BooksRule => ({
  id: '0193b000-0000-7000-8000-000000000001',
  class: 'transactions',
  types: [],
  direction: 'both',
  fromDate: null,
  ...over,
});
const voucher = (type: string, date: string): BooksObject => ({
  tag: 'VOUCHER',
  guid: 'v',
  alterId: 1,
  name: '',
  reserved: false,
  node: { VOUCHERTYPENAME: type, DATE: date },
});
const ledger: BooksObject = { tag: 'LEDGER', guid: 'l', alterId: 1, name: 'Cash', reserved: false, node: {} };
const item: BooksObject = { ...ledger, tag: 'STOCKITEM', guid: 's' };

describe('rules and directions', () => {
  it("honours send / receive / both per class, from the link's client side", () => {
    const rules = [
      rule({ class: 'masters', direction: 'send' }),
      rule({ class: 'transactions', direction: 'receive' }),
    ];
    expect(directionsFor(rules, 'masters')).toEqual(['send']);
    expect(directionsFor(rules, 'transactions')).toEqual(['receive']);
    expect(directionsFor([rule({ direction: 'both' })], 'transactions')).toEqual(['send', 'receive']);
    expect(directionsFor([rule({ class: 'masters' })], 'transactions')).toEqual([]);
    expect(rulesFor(rules, 'masters', 'receive')).toEqual([]);
  });

  it('filters vouchers by type and fromDate, masters by type', () => {
    const sales = [rule({ types: ['Sales'], fromDate: '2026-01-01' })];
    expect(allowed(sales, voucher('Sales', '20260101'))).toBe(true);
    expect(allowed(sales, voucher('Sales', '20251231'))).toBe(false);
    expect(allowed(sales, voucher('Purchase', '20260301'))).toBe(false);
    const ledgers = [rule({ class: 'masters', types: ['Ledger', 'stock item'] })];
    expect(allowed(ledgers, ledger)).toBe(true);
    expect(allowed(ledgers, item)).toBe(true);
    expect(allowed(ledgers, { ...ledger, tag: 'GROUP' })).toBe(false);
    expect(allowed([rule({ class: 'masters' })], { ...ledger, tag: 'GROUP' })).toBe(true);
  });

  it('lets a deleted voucher through any rule of its class, a deleted master only by type', () => {
    expect(deletionAllowed([rule({ types: ['Sales'] })], { tag: 'VOUCHER', guid: 'v', alterId: 3 })).toBe(
      true,
    );
    expect(deletionAllowed([], { tag: 'VOUCHER', guid: 'v', alterId: 3 })).toBe(false);
    const ledgers = [rule({ class: 'masters', types: ['ledger'] })];
    expect(deletionAllowed(ledgers, { tag: 'LEDGER', guid: 'l', alterId: 3 })).toBe(true);
    expect(deletionAllowed(ledgers, { tag: 'UNIT', guid: 'u', alterId: 3 })).toBe(false);
  });
});
