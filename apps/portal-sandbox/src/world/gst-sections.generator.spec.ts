import { candidateGstins } from '../../test/candidate-gstins';
import { GSTR1_SECTIONS, gstr1aSection, gstr1Section, salesDocument } from './gst-sections.generator';

const SEED = 'practice-sync';
const PERIOD = '052025';
const SUMMARY_NAME: Record<string, string> = { HSNSUM: 'HSN', DOCISS: 'DOC_ISSUE', TXP: 'TXPD' };

function gstins(n: number): string[] {
  const out: string[] = [];
  for (const g of candidateGstins()) {
    if (out.length === n) break;
    out.push(g);
  }
  return out;
}

/** What a section's answer holds, counted the way a reader would: invoices, notes, HSN lines, documents. */
function count(section: string, data: Record<string, unknown>): number {
  switch (section) {
    case 'B2B':
      return (data['b2b'] as { inv: unknown[] }[]).reduce((n, e) => n + e.inv.length, 0);
    case 'CDNR':
      return (data['cdnr'] as { nt: unknown[] }[]).reduce((n, e) => n + e.nt.length, 0);
    case 'HSNSUM':
      return (data['hsn'] as { data: unknown[] }).data.length;
    case 'DOCISS':
      return (data['doc_issue'] as { doc_det: { docs: unknown[] }[] }).doc_det[0].docs.length;
    default:
      throw new Error(`unexpected section with data: ${section}`);
  }
}

type Summary = { sec_sum: { sec_nm: string; ttl_rec: number }[] } | null;

/** Every non-empty section of a form, by summary name, with its record count. */
function expectedSummary(read: (section: string) => unknown): Record<string, number> {
  const expected: Record<string, number> = {};
  for (const section of GSTR1_SECTIONS.filter((s) => s !== 'RETSUM')) {
    const data = read(section) as Record<string, unknown> | null;
    if (data) expected[SUMMARY_NAME[section] ?? section] = count(section, data);
  }
  return expected;
}

const listed = (summary: Summary) =>
  Object.fromEntries((summary?.sec_sum ?? []).map((s) => [s.sec_nm, s.ttl_rec]));

describe('GSTR-1 / 1A RETSUM', () => {
  const sample = gstins(60);

  it('lists exactly the GSTR-1 sections that hold records, with their record counts', () => {
    let withCreditNotes = 0;
    for (const gstin of sample) {
      const doc = salesDocument(SEED, gstin, PERIOD);
      const summary = gstr1Section(doc, 'RETSUM') as Summary;
      const expected = expectedSummary((s) => gstr1Section(doc, s));
      expect(listed(summary)).toEqual(expected);
      if (doc.invoices.length === 0) expect(summary).toBeNull();
      else expect(expected['B2B']).toBe(doc.invoices.length);
      if (expected['CDNR']) withCreditNotes++;
    }
    // The sample exercises more than the always-present sections.
    expect(withCreditNotes).toBeGreaterThan(5);
  });

  it('lists GSTR-1A B2B amendments when a period has them, and answers no data otherwise', () => {
    let amended = 0;
    for (const gstin of sample) {
      const doc = salesDocument(SEED, gstin, PERIOD);
      const summary = gstr1aSection(SEED, doc, 'RETSUM') as Summary;
      const expected = expectedSummary((s) => gstr1aSection(SEED, doc, s));
      expect(listed(summary)).toEqual(expected);
      if (Object.keys(expected).length === 0) expect(summary).toBeNull();
      else amended++;
    }
    expect(amended).toBeGreaterThan(0);
    expect(amended).toBeLessThan(sample.length / 3);
  });
});
