import { parseImportResponse } from '../tally/import-response';
import { errorCodeOf, objectResults } from './object-results';

const response = (errors: string, counters = '<CREATED>2</CREATED><ERRORS>1</ERRORS>') =>
  parseImportResponse(
    `<RESPONSE>${counters}<ALTERED>0</ALTERED><DELETED>0</DELETED><LASTVCHID>5</LASTVCHID><LASTMID>9</LASTMID><COMBINED>0</COMBINED><IGNORED>0</IGNORED><CANCELLED>0</CANCELLED>${errors}</RESPONSE>`,
    'test import',
  );

describe('import RESPONSE per object', () => {
  const guids = ['g1', 'g2', 'g3'];

  it('places each LINEERROR by INDEX', () => {
    const r = response('<LINEERROR INDEX="2" GUID="g2">Ledger \'Staff Welfare\' does not exist!</LINEERROR>');
    expect(r).toMatchObject({ created: 2, errors: 1 });
    expect(objectResults(guids, r)).toEqual([
      { ok: true },
      { ok: false, message: "Ledger 'Staff Welfare' does not exist!" },
      { ok: true },
    ]);
  });

  it('places a LINEERROR by GUID when it has no INDEX', () => {
    const r = response('<LINEERROR GUID="g3">Voucher totals do not match!</LINEERROR>');
    expect(objectResults(guids, r)?.[2]).toEqual({ ok: false, message: 'Voucher totals do not match!' });
  });

  it('asks for one import per object when a LINEERROR names no object (a real Tally)', () => {
    expect(objectResults(guids, response("<LINEERROR>Ledger 'X' does not exist!</LINEERROR>"))).toBeNull();
    // Errors counted without any LINEERROR cannot be placed either.
    expect(objectResults(guids, response(''))).toBeNull();
  });

  it('all applied when ERRORS is 0', () => {
    const r = response('', '<CREATED>3</CREATED><ERRORS>0</ERRORS>');
    expect(objectResults(guids, r)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
  });

  it("refuses what is not Tally's RESPONSE", () => {
    expect(() => parseImportResponse('<html>oops', 'x')).toThrow(/not Tally's XML/);
    expect(() =>
      parseImportResponse('<RESPONSE>Unknown Request, cannot be processed</RESPONSE>', 'x'),
    ).toThrow(/refused/);
  });

  it("turns Tally's texts into codes that may travel", () => {
    expect(errorCodeOf("Ledger 'Staff Welfare' does not exist!")).toBe('missing_master');
    expect(errorCodeOf("Cannot delete Ledger 'Cash': it is in use!")).toBe('in_use');
    expect(errorCodeOf('Voucher totals do not match! Dr: 1.00 Dr Cr: 0.00 Cr Diff: 1.00 Dr')).toBe(
      'totals_mismatch',
    );
    expect(errorCodeOf('Something new')).toBe('rejected');
  });
});
