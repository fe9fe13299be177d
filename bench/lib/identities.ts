/** Deterministic, valid client identifiers for benchmarks: client n gets one PAN, one GSTIN and one e-sign file. */
import { gstinCheckCharacter } from '@practice-sync/contracts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A PAN of a company (4th letter P), distinct for n < 175,760. */
export function panFor(n: number): string {
  const l = LETTERS;
  return `${l[Math.floor(n / 676) % 26]}${l[Math.floor(n / 26) % 26]}${l[n % 26]}P${l[(n * 7) % 26]}${String(n % 10_000).padStart(4, '0')}K`;
}

/** The first GSTIN (Maharashtra, entity 1) of the PAN, with its check character. */
export function gstinFor(pan: string): string {
  const first14 = `27${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/** Client n as a CSV row for `POST /v1/clients/import` (name, pan, gstins, esignClientFileId, tags). */
export function csvRow(n: number, tag: string): string {
  const pan = panFor(n);
  return `Bench Client ${n},${pan},${gstinFor(pan)},CF-${n},${tag}`;
}

export const CSV_HEADER = 'name,pan,gstins,esignClientFileId,tags';
