/** Identifier and period formats of the Indian tax portals (portals.md, "Identifier formats"). */
export const PAN_PATTERN = /^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$/;
export const TAN_PATTERN = /^[A-Z]{4}[0-9]{5}[A-Z]$/;
export const GSTIN_PATTERN = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][Z1-9ABD-J][0-9A-Z]$/;
export const GST_PERIOD_PATTERN = /^(0[1-9]|1[0-2])20[0-9]{2}$/;
export const YEAR_RANGE_PATTERN = /^20[0-9]{2}-[0-9]{2}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The GSTIN check character for the first 14 characters (weights 1,2,1,2…, base 36). */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = ALPHABET.indexOf(first14[i]);
    if (value < 0) throw new Error(`invalid GSTIN character "${first14[i]}"`);
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALPHABET[(36 - (sum % 36)) % 36];
}

export function isPan(value: string): boolean {
  return PAN_PATTERN.test(value);
}

export function isTan(value: string): boolean {
  return TAN_PATTERN.test(value);
}

/** Why a GSTIN is invalid, or null when it is valid. */
export function gstinProblem(value: string): string | null {
  if (value.length !== 15) return 'must be 15 characters';
  if (!GSTIN_PATTERN.test(value)) {
    return 'must be 2 digits (state), a 10-character PAN, an entity digit, Z (or 1-9/A-J) and a check character';
  }
  const expected = gstinCheckCharacter(value.slice(0, 14));
  if (value[14] !== expected)
    return `check character is wrong (expected ${expected} for ${value.slice(0, 14)})`;
  return null;
}

export function isGstin(value: string): boolean {
  return gstinProblem(value) === null;
}

/** Why a PAN is invalid, or null. */
export function panProblem(value: string): string | null {
  if (!/^[A-Z]{5}[0-9]{4}[A-Z]$/.test(value))
    return 'must be 5 letters, 4 digits and a letter, e.g. AAACR5055K';
  if (!PAN_PATTERN.test(value))
    return 'the 4th letter (holder type) must be one of P, C, H, F, A, T, B, L, J, G';
  return null;
}

export function isGstPeriod(value: string): boolean {
  return GST_PERIOD_PATTERN.test(value);
}

/** `YYYY-YY` where YY is the year after YYYY (financial and assessment years). */
export function isYearRange(value: string): boolean {
  if (!YEAR_RANGE_PATTERN.test(value)) return false;
  const start = Number(value.slice(0, 4));
  return (start + 1) % 100 === Number(value.slice(5, 7));
}
