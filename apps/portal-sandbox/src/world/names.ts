import { gstinCheckCharacter } from '@practice-sync/contracts';

import type { Rng } from './prng';

/** Word lists for plausible Indian trade names and people; small on purpose. */
const TRADE_PREFIXES = [
  'Shree',
  'Sai',
  'Ganesh',
  'Laxmi',
  'Krishna',
  'Om',
  'Balaji',
  'Sunrise',
  'Bharat',
  'Jai',
];
const TRADE_CORES = ['Steel', 'Textiles', 'Agro', 'Pharma', 'Plastics', 'Electricals', 'Logistics', 'Foods'];
const TRADE_SUFFIXES = ['Traders', 'Enterprises', 'Industries', 'Pvt Ltd', 'LLP', 'and Co', 'Distributors'];
const FIRST_NAMES = [
  'Aarav',
  'Priya',
  'Rohan',
  'Ananya',
  'Vikram',
  'Meera',
  'Arjun',
  'Kavya',
  'Rahul',
  'Isha',
];
const LAST_NAMES = ['Sharma', 'Iyer', 'Patel', 'Reddy', 'Gupta', 'Nair', 'Mehta', 'Singh', 'Desai', 'Rao'];

/** GST state codes in use (01 Jammu and Kashmir … 37 Andhra Pradesh). */
const STATE_CODES = Array.from({ length: 37 }, (_, i) => String(i + 1).padStart(2, '0'));

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

export function tradeName(rng: Rng): string {
  return `${rng.pick(TRADE_PREFIXES)} ${rng.pick(TRADE_CORES)} ${rng.pick(TRADE_SUFFIXES)}`;
}

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

export function stateCode(rng: Rng): string {
  return rng.pick(STATE_CODES);
}

/** A syntactically valid PAN of a business (company, firm or proprietor). */
export function businessPan(rng: Rng): string {
  const holder = rng.pick(['C', 'C', 'F', 'P']);
  return `${rng.chars(LETTERS, 3)}${holder}${rng.chars(LETTERS, 1)}${rng.chars(DIGITS, 4)}${rng.chars(LETTERS, 1)}`;
}

/** A GSTIN with a correct check character, in the given state. */
export function gstinFor(rng: Rng, state: string): string {
  const first14 = `${state}${businessPan(rng)}${rng.pick(['1', '1', '2'])}Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}
