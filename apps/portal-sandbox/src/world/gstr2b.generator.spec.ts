import { gstinProblem } from '@practice-sync/contracts';

import { candidateGstins } from '../../test/candidate-gstins';
import { gstr2bData } from '../gst/gstr2b.presenter';
import { generateGstr2b, GSTR2B_PAGE_SIZE, invoiceCount, isGenerated, pageCount } from './gstr2b.generator';

const SEED = 'practice-sync';
const firstGstins = (n: number): string[] => {
  const out: string[] = [];
  for (const g of candidateGstins()) {
    if (out.length === n) break;
    out.push(g);
  }
  return out;
};

describe('GSTR-2B generator', () => {
  it('generates the same document for the same GSTIN and period', () => {
    const a = generateGstr2b(SEED, '27AAACR5055K1Z7', '012025');
    const b = generateGstr2b(SEED, '27AAACR5055K1Z7', '012025');
    expect(b).toEqual(a);
    expect(a.invoices.length).toBe(invoiceCount(SEED, '27AAACR5055K1Z7', '012025'));
  });

  it('varies between GSTINs, periods and world seeds', () => {
    const gstins = firstGstins(40);
    const counts = new Set(gstins.map((g) => invoiceCount(SEED, g, '012025')));
    expect(counts.size).toBeGreaterThan(20);
    const [g] = gstins;
    const jan = generateGstr2b(SEED, g, '012025');
    expect(generateGstr2b(SEED, g, '022025').invoices).not.toEqual(jan.invoices);
    expect(generateGstr2b('another-world', g, '012025').invoices).not.toEqual(jan.invoices);
  });

  it('mostly yields 5-300 invoices, with some GSTINs above one page and some with none', () => {
    const counts = firstGstins(400).map((g) => invoiceCount(SEED, g, '062024'));
    const typical = counts.filter((c) => c >= 5 && c <= 300).length;
    expect(typical / counts.length).toBeGreaterThan(0.5);
    expect(counts.filter((c) => c > GSTR2B_PAGE_SIZE).length).toBeGreaterThan(10);
    expect(counts.filter((c) => c === 0).length).toBeGreaterThan(3);
    expect(Math.max(...counts)).toBeLessThan(6000);
  });

  it('counts files of 500 invoices', () => {
    expect(pageCount(0)).toBe(0);
    expect(pageCount(1)).toBe(1);
    expect(pageCount(500)).toBe(1);
    expect(pageCount(501)).toBe(2);
    expect(pageCount(1500)).toBe(3);
  });

  it('splits a large document into pages that together hold every invoice exactly once', () => {
    const big = firstGstins(400).find((g) => invoiceCount(SEED, g, '012025') > 1000);
    if (!big) throw new Error('expected a GSTIN with more than 1000 invoices');
    const doc = generateGstr2b(SEED, big, '012025');
    const files = pageCount(doc.invoices.length);
    const seen: string[] = [];
    for (let page = 1; page <= files; page++) {
      const data = gstr2bData(doc, page);
      const invoices = data.docdata.b2b.flatMap((s) => s.inv.map((inv) => `${s.ctin}/${inv.inum}`));
      expect(invoices.length).toBeLessThanOrEqual(GSTR2B_PAGE_SIZE);
      seen.push(...invoices);
    }
    expect(seen.length).toBe(doc.invoices.length);
    expect(new Set(seen).size).toBe(doc.invoices.length);
  });

  it('invents valid supplier GSTINs and consistent invoice values', () => {
    const doc = generateGstr2b(SEED, '27AAACR5055K1Z7', '012025');
    for (const supplier of doc.suppliers) expect(gstinProblem(supplier.ctin)).toBeNull();
    for (const { inv } of doc.invoices.slice(0, 50)) {
      expect(inv.dt).toMatch(/^\d{2}-01-2025$/);
      const sum = inv.items.reduce((s, i) => s + i.txval + i.igst + i.cgst + i.sgst + i.cess, 0);
      expect(inv.val).toBeCloseTo(sum, 1);
    }
  });

  it('is generated on the 14th of the month after the period', () => {
    // Midnight IST on the 14th is 18:30 UTC on the 13th.
    expect(isGenerated('022025', new Date('2025-03-13T18:29:59Z'))).toBe(false);
    expect(isGenerated('022025', new Date('2025-03-13T18:30:00Z'))).toBe(true);
    expect(isGenerated('032025', new Date('2025-03-20T00:00:00Z'))).toBe(false);
    expect(isGenerated('122024', new Date('2025-01-14T00:00:00Z'))).toBe(true);
    expect(isGenerated('012026', new Date('2025-03-20T00:00:00Z'))).toBe(false);
  });
});
