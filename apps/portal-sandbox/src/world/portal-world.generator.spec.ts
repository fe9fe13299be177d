import { statement, statementFails } from './ais.generator';
import { addDays, utc } from './dates';
import { ledger, periodFigures } from './gst-ledgers.generator';
import { gstNotices } from './gst-notices.generator';
import { gstr1Section, salesDocument } from './gst-sections.generator';
import {
  accessWindowHours,
  filingDates,
  periodsOfFinancialYear,
  returnRegister,
} from './gst-taxpayer.generator';
import { eProceedings, outstandingDemand } from './itr-proceedings.generator';

const SEED = 'practice-sync';
const GSTIN = '27AAACR5055K1Z7';
const NOW = utc(2025, 11, 20);

describe('GST and ITR world generators (pure)', () => {
  it('gives the same answers for the same inputs, and others for another seed', () => {
    expect(returnRegister(SEED, GSTIN, '2024-25', NOW)).toEqual(returnRegister(SEED, GSTIN, '2024-25', NOW));
    expect(gstNotices(SEED, GSTIN, NOW)).toEqual(gstNotices(SEED, GSTIN, NOW));
    expect(periodFigures(SEED, GSTIN, '012025')).not.toEqual(periodFigures('other', GSTIN, '012025'));
    expect(accessWindowHours(SEED, GSTIN)).toBeGreaterThanOrEqual(6);
    expect(accessWindowHours(SEED, GSTIN)).toBeLessThanOrEqual(720);
  });

  it('files GSTR-1 around the 11th and GSTR-3B around the 20th of the next month', () => {
    expect(periodsOfFinancialYear('2024-25')).toHaveLength(12);
    for (const p of periodsOfFinancialYear('2024-25')) {
      const d = filingDates(SEED, GSTIN, p);
      const start = utc(
        Number(p.slice(2)) + (p.startsWith('12') ? 1 : 0),
        (Number(p.slice(0, 2)) % 12) + 1,
        1,
      );
      expect(d.gstr1.getTime()).toBeGreaterThan(start.getTime());
      expect(d.gstr3b.getTime()).toBeLessThan(addDays(start, 70).getTime());
    }
  });

  it('reveals register entries and notices only as the clock passes them, never changing past ones', () => {
    const early = returnRegister(SEED, GSTIN, '2025-26', NOW);
    const later = returnRegister(SEED, GSTIN, '2025-26', addDays(NOW, 90));
    expect(later.length).toBeGreaterThan(early.length);
    expect(later.slice(-early.length)).toEqual(early);
    const arns = gstNotices(SEED, GSTIN, addDays(NOW, 3650)).map((n) => n.arn);
    expect(arns.length).toBeGreaterThan(0);
  });

  it('keeps ledger balances consistent: each entry moves the balance by its amount', () => {
    const l = ledger(SEED, GSTIN, 'ITC', utc(2024, 4, 1), utc(2025, 3, 31), NOW);
    expect(l.tr.length).toBeGreaterThan(0);
    let bal = l.op_bal;
    for (const e of l.tr) {
      const amount = e.amount.iamt + e.amount.camt + e.amount.samt + e.amount.csamt;
      bal += e.tr_typ === 'Cr' ? amount : -amount;
      expect(e.bal).toBeCloseTo(bal, 1);
    }
  });

  it('builds GSTR-1 sections from the sales of the period', () => {
    const doc = salesDocument(SEED, GSTIN, '012025');
    const b2b = gstr1Section(doc, 'B2B') as { b2b: { inv: unknown[] }[] } | null;
    expect(b2b === null).toBe(doc.invoices.length === 0);
    expect(gstr1Section(doc, 'EXP')).toBeNull();
  });

  it('generates e-proceedings with documents, demand from closed ones, and 26AS/AIS files', () => {
    let found = 0;
    for (let i = 0; i < 100; i++) {
      const pan = `AAAPL${1000 + i}C`;
      const list = eProceedings(SEED, pan, NOW);
      found += list.length;
      for (const p of list) {
        expect(p.documents.length).toBeGreaterThan(0);
        expect(p.responseDueDate > p.issuedOn).toBe(true);
        expect(p.closureOrder === null).toBe(p.proceedingStatus !== 'Closed');
      }
      for (const d of outstandingDemand(SEED, pan, NOW))
        expect(d.orignalOutStDemandAmount).toBeGreaterThan(0);
    }
    expect(found).toBeGreaterThan(10);
    const file = statement(SEED, 'AAAPL1234C', '26AS', '2024-25');
    expect(file).toEqual(statement(SEED, 'AAAPL1234C', '26AS', '2024-25'));
    expect(typeof statementFails(SEED, 'AAAPL1234C', 'AIS', '2024-25')).toBe('boolean');
  });
});
