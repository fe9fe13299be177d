import { Categories, expandCategories, isCategoryOrAlias } from './categories';
import {
  gstinCheckCharacter,
  gstinProblem,
  isGstPeriod,
  isTan,
  isYearRange,
  panProblem,
} from './identifiers';

describe('identifiers', () => {
  it('accepts the GSTIN from portals.md and computes its check character', () => {
    expect(gstinProblem('27AAACR5055K1Z7')).toBeNull();
    expect(gstinCheckCharacter('27AAACR5055K1Z')).toBe('7');
  });

  it('rejects a GSTIN whose check character is wrong, saying what it should be', () => {
    expect(gstinProblem('27AAACR5055K1Z8')).toBe('check character is wrong (expected 7 for 27AAACR5055K1Z)');
  });

  it('rejects GSTINs of the wrong length or shape', () => {
    expect(gstinProblem('27AAACR5055K1Z')).toBe('must be 15 characters');
    expect(gstinProblem('2XAAACR5055K1Z7')).toMatch(/^must be 2 digits/);
  });

  it('validates PANs including the holder-type letter', () => {
    expect(panProblem('AAACR5055K')).toBeNull();
    expect(panProblem('AAAXR5055K')).toMatch(/4th letter/);
    expect(panProblem('AAAC5055K')).toMatch(/5 letters, 4 digits/);
  });

  it('validates TANs and periods', () => {
    expect(isTan('MUMR12345A')).toBe(true);
    expect(isTan('MUM12345A')).toBe(false);
    expect(isGstPeriod('102026')).toBe(true);
    expect(isGstPeriod('132026')).toBe(false);
    expect(isYearRange('2025-26')).toBe(true);
    expect(isYearRange('2025-27')).toBe(false);
    expect(isYearRange('2099-00')).toBe(true);
  });
});

describe('expandCategories', () => {
  it('expands aliases in catalogue order without duplicates', () => {
    expect(expandCategories(['gst.gstr2b', 'itr.all', 'gst.gstr2b'])).toEqual([
      'itr.notices_orders',
      'itr.ais_tis_26as',
      'itr.returns',
      'itr.filing_status',
      'gst.gstr2b',
    ]);
  });

  it('`all` selects every category of every portal', () => {
    expect(expandCategories(['all'])).toEqual(Categories);
    expect(expandCategories(['gst.gstr2b', 'all'])).toHaveLength(Categories.length);
    expect(isCategoryOrAlias('all')).toBe(true);
  });

  it('names an unknown category', () => {
    expect(() => expandCategories(['gst.everything'])).toThrow('unknown category "gst.everything"');
  });
});
