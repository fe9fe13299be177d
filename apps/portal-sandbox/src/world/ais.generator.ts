import { isoDate, utc } from './dates';
import { names } from './names-list';
import { rngFor } from './prng';

export const STATEMENT_KINDS = ['AIS', 'TIS', '26AS'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

const AIS_CODES = [
  { infoCode: 'SFT-005', infoDesc: 'Time deposits', source: 'Bank' },
  { infoCode: 'SFT-016', infoDesc: 'Interest from savings bank', source: 'Bank' },
  { infoCode: 'TDS-192', infoDesc: 'Salary', source: 'Employer' },
  { infoCode: 'TDS-194A', infoDesc: 'Interest other than on securities', source: 'Bank' },
  { infoCode: 'SFT-015', infoDesc: 'Dividend', source: 'Company' },
  { infoCode: 'SFT-012', infoDesc: 'Sale of immovable property', source: 'Registrar' },
] as const;
const TDS_SECTIONS = ['192', '194A', '194C', '194J', '194H', '194I'] as const;

export interface StatementFile {
  kind: StatementKind;
  pan: string;
  financialYear: string;
  entries: Record<string, unknown>[];
}

/** Whether the portal fails to prepare this download (one in twenty, stable). */
export function statementFails(worldSeed: string, pan: string, kind: StatementKind, fy: string): boolean {
  return rngFor(worldSeed, 'ais-fail', pan, kind, fy).chance(0.05);
}

/** AIS / TIS / Form 26AS entries of a PAN for a financial year `YYYY-YY`. */
export function statement(worldSeed: string, pan: string, kind: StatementKind, fy: string): StatementFile {
  const rng = rngFor(worldSeed, 'ais', pan, fy);
  const start = Number(fy.slice(0, 4));
  const rows = Array.from({ length: rng.int(0, 12) }, () => {
    const code = rng.pick(AIS_CODES);
    const month = rng.int(0, 11);
    const date = utc(month < 9 ? start : start + 1, month < 9 ? month + 4 : month - 8, rng.int(1, 28));
    const amount = rng.int(1_000, 900_000);
    const tan = `${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4)}${rng.chars('0123456789', 5)}${rng.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1)}`;
    return { code, date, amount, tan, deductor: rng.pick(names), section: rng.pick(TDS_SECTIONS) };
  });
  const entries =
    kind === '26AS'
      ? rows.map((r) => ({
          deductorTan: r.tan,
          deductorName: r.deductor,
          section: r.section,
          transactionDate: isoDate(r.date),
          amountPaid: r.amount,
          taxDeducted: Math.round(r.amount * 0.1),
          taxDeposited: Math.round(r.amount * 0.1),
        }))
      : kind === 'AIS'
        ? rows.map((r) => ({
            ...r.code,
            reportedOn: isoDate(r.date),
            amount: r.amount,
            reportedBy: r.deductor,
          }))
        : summarise(rows.map((r) => ({ category: r.code.infoDesc, amount: r.amount })));
  return { kind, pan, financialYear: fy, entries };
}

function summarise(rows: { category: string; amount: number }[]): Record<string, unknown>[] {
  const byCategory = new Map<string, number>();
  for (const r of rows) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + r.amount);
  return [...byCategory].map(([category, processedValue]) => ({
    category,
    processedValue,
    acceptedValue: processedValue,
  }));
}
