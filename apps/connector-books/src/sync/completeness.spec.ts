import type { BooksObject, MasterTag } from '../tally/books-objects';
import { refKey } from '../tally/books-objects';
import type { ReceiverMasters } from './completeness';
import { complete, importOrder, mastersByName } from './completeness';

let id = 0;
const master = (tag: MasterTag, name: string, fields: Record<string, unknown> = {}): BooksObject => ({
  tag,
  guid: `g-${++id}`,
  alterId: id,
  name,
  reserved: false,
  node: { '@_NAME': name, ...fields },
});
const voucher = (ledgers: string[], fields: Record<string, unknown> = {}): BooksObject => ({
  tag: 'VOUCHER',
  guid: `v-${++id}`,
  alterId: id,
  name: '',
  reserved: false,
  node: {
    VOUCHERTYPENAME: 'Sales',
    DATE: '20260110',
    'ALLLEDGERENTRIES.LIST': ledgers.map((l) => ({ LEDGERNAME: l })),
    ...fields,
  },
});
const receiverWith = (...objects: BooksObject[]): ReceiverMasters => {
  const names = new Set(objects.map((o) => refKey(o.tag, o.name)));
  return { hasName: (tag, name) => names.has(refKey(tag, name)) };
};

describe('completeness', () => {
  const sundry = { ...master('GROUP', 'Sundry Debtors'), reserved: true };
  const sales = master('VOUCHERTYPE', 'Sales');
  const cashGroup = master('GROUP', 'Cash-in-Hand');
  const cash = master('LEDGER', 'Cash', { PARENT: 'Cash-in-Hand' });
  // Created children-first at the sender, to prove the order comes from the references.
  const punePartyGroup = master('GROUP', 'Pune Debtors', { PARENT: 'Pune Region' });
  const puneRegion = master('GROUP', 'Pune Region', { PARENT: 'Sundry Debtors' });
  const rupee = master('CURRENCY', '₹');
  const party = master('LEDGER', 'Pune Traders', { PARENT: 'Pune Debtors', CURRENCYNAME: '₹' });
  const unit = master('UNIT', 'Nos');
  const item = master('STOCKITEM', 'LED Bulb', { BASEUNITS: 'Nos' });
  const centre = master('COSTCENTRE', 'Pune Branch', { PARENT: 'Head Office' });
  const headOffice = master('COSTCENTRE', 'Head Office');
  const sender = mastersByName([
    sundry,
    sales,
    cashGroup,
    cash,
    punePartyGroup,
    puneRegion,
    rupee,
    party,
    unit,
    item,
    centre,
    headOffice,
  ]);

  it("brings a voucher's missing ledger with its group chain and currency, in dependency order", () => {
    const sale = voucher(['Pune Traders', 'Cash'], {
      'ALLINVENTORYENTRIES.LIST': [{ STOCKITEMNAME: 'LED Bulb' }],
    });
    sale.node['ALLLEDGERENTRIES.LIST'] = [
      { LEDGERNAME: 'Pune Traders' },
      {
        LEDGERNAME: 'Cash',
        'CATEGORYALLOCATIONS.LIST': [{ 'COSTCENTREALLOCATIONS.LIST': [{ NAME: 'Pune Branch' }] }],
      },
    ];
    const receiver = receiverWith(sundry, sales, cashGroup, cash);
    const { objects, added, unresolved } = complete([sale], receiver, sender);
    expect(objects.map((o) => o.name || o.tag)).toEqual([
      'Pune Region',
      'Pune Debtors',
      '₹',
      'Nos',
      'LED Bulb',
      'Pune Traders',
      'Head Office',
      'Pune Branch',
      'VOUCHER',
    ]);
    expect(added.size).toBe(8);
    expect(unresolved).toEqual([]);
  });

  it('sends nothing the receiver has by name, never a reserved group, and reports what nobody has', () => {
    const sale = voucher(['Cash', 'Ghost Ledger']);
    const { objects, unresolved } = complete([sale], receiverWith(sundry, sales, cashGroup, cash), sender);
    expect(objects).toEqual([sale]);
    expect(unresolved).toEqual([{ tag: 'LEDGER', name: 'Ghost Ledger' }]);
  });

  it('a master travelling as a change is not added again; groups go parents first', () => {
    const { objects, added } = complete([punePartyGroup, puneRegion], receiverWith(sundry), sender);
    expect(objects.map((o) => o.name)).toEqual(['Pune Region', 'Pune Debtors']);
    expect(added.size).toBe(0);
  });

  it('orders masters by type before vouchers, oldest change first', () => {
    const v = voucher(['Cash']);
    expect(importOrder([v, cash, sales, rupee, cashGroup]).map((o) => o.tag)).toEqual([
      'GROUP',
      'CURRENCY',
      'LEDGER',
      'VOUCHERTYPE',
      'VOUCHER',
    ]);
  });
});
