import { document2b, GSTIN, invoice, PERIOD } from './gstr2b.fixtures';
import { normaliseGstr2b } from './gstr2b.normaliser';
import { Gstr2bDocumentSchema } from './gstr2b.schema';

const parse = (doc: unknown) => Gstr2bDocumentSchema.parse(doc);

describe('normaliseGstr2b', () => {
  it('makes one record per B2B invoice keyed gstin|ctin|inum|rtnprd', () => {
    const doc = parse(
      document2b([
        { ctin: '29AABCT1332L1ZT', invoices: [invoice('INV-1'), invoice('INV-2')] },
        { ctin: '07AAACH7409R1ZZ', invoices: [invoice('INV-1')] },
      ]),
    );
    const records = normaliseGstr2b(GSTIN, PERIOD, [doc]);
    expect(records.map((r) => r.naturalKey)).toEqual([
      `${GSTIN}|29AABCT1332L1ZT|INV-1|${PERIOD}`,
      `${GSTIN}|29AABCT1332L1ZT|INV-2|${PERIOD}`,
      `${GSTIN}|07AAACH7409R1ZZ|INV-1|${PERIOD}`,
    ]);
    expect(records[0].data).toMatchObject({
      ctin: '29AABCT1332L1ZT',
      inum: 'INV-1',
      val: 1180,
      rtnprd: PERIOD,
    });
    expect(records[0].data.items).toHaveLength(1);
  });

  it('merges the pages of a large 2B', () => {
    const page1 = parse(document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice('A')] }]));
    const page2 = parse(document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice('B')] }]));
    expect(normaliseGstr2b(GSTIN, PERIOD, [page1, page2])).toHaveLength(2);
  });

  it('hashes content, not the order the portal sends fields in, and ignores the generation date', () => {
    const a = parse(document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice('A')] }]));
    const reordered = { ...invoice('A') };
    const b = parse({
      ...document2b([
        { ctin: '29AABCT1332L1ZT', invoices: [Object.fromEntries(Object.entries(reordered).reverse())] },
      ]),
      gendt: '15-04-2025',
    });
    expect(normaliseGstr2b(GSTIN, PERIOD, [a])[0].hash).toBe(normaliseGstr2b(GSTIN, PERIOD, [b])[0].hash);
  });

  it('changes the hash when an invoice value changes', () => {
    const a = parse(document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice('A', 1180)] }]));
    const b = parse(document2b([{ ctin: '29AABCT1332L1ZT', invoices: [invoice('A', 2360)] }]));
    expect(normaliseGstr2b(GSTIN, PERIOD, [a])[0].hash).not.toBe(normaliseGstr2b(GSTIN, PERIOD, [b])[0].hash);
  });

  it('returns nothing for a document without B2B invoices', () => {
    expect(normaliseGstr2b(GSTIN, PERIOD, [parse({ gstin: GSTIN, rtnprd: PERIOD, docdata: {} })])).toEqual(
      [],
    );
  });
});
