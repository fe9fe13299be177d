import type { FieldError } from '@practice-sync/problems';
import { unstorableTextErrors, UnstorableTextProblem, ValidationProblem } from '@practice-sync/problems';
import { CsvError, parse } from 'csv-parse/sync';

/** DESIGN.md's import columns; only `name` is required in the header. */
export const IMPORT_COLUMNS = [
  'name',
  'pan',
  'tan',
  'gstins',
  'esignClientFileId',
  'office',
  'tags',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const LIST_COLUMNS: ReadonlySet<ImportColumn> = new Set(['gstins', 'tags']);
export const MAX_IMPORT_ROWS = 10_000;

/** One data row of the file: where it ends, and its cells as a create-client body (or why it has none). */
export interface CsvRow {
  row: number;
  body?: Record<string, string | string[]>;
  errors?: FieldError[];
}

/**
 * Parses an import file into rows. Problems with the file as a whole (not CSV, unknown or missing columns,
 * too many rows) are a 400 for the request; a row with the wrong number of cells is that row's error only.
 */
export function parseImportCsv(text: string): CsvRow[] {
  const records = parseRecords(text);
  refuseUnstorableCells(records);
  const header = records.shift();
  if (!header) throw fileProblem('body', 'is empty; send a header row and one row per client');
  const columns = headerColumns(header.record);
  if (records.length === 0) throw fileProblem('body', 'has a header but no client rows');
  if (records.length > MAX_IMPORT_ROWS) {
    throw fileProblem('body', `has ${records.length} rows; at most ${MAX_IMPORT_ROWS} per request`);
  }
  return records.map(({ record, info }) => {
    const row = info.lines;
    if (record.length !== columns.length) {
      return {
        row,
        errors: [{ field: 'row', message: `has ${record.length} cells; the header has ${columns.length}` }],
      };
    }
    return { row, body: rowBody(columns, record) };
  });
}

/**
 * A cell PostgreSQL cannot store (a NUL byte) means the file is not the text it claims to be: the whole
 * request is a 422 naming each cell (`row[3].name`: line 3, column name), not a 500 and not a half import.
 */
function refuseUnstorableCells(records: ParsedRecord[]): void {
  const header = records[0]?.record ?? [];
  const errors = records.flatMap(({ record, info }, r) =>
    record.flatMap((cell, i) =>
      unstorableTextErrors(cell, r === 0 ? `header[${i}]` : `row[${info.lines}].${header[i]?.trim() || i}`),
    ),
  );
  if (errors.length > 0) throw new UnstorableTextProblem(errors);
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

function parseRecords(text: string): ParsedRecord[] {
  try {
    return parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as ParsedRecord[];
  } catch (e) {
    // Broken quoting leaves no trustworthy row boundaries after it, so the whole file is refused.
    if (e instanceof CsvError) throw fileProblem('body', `is not valid CSV: ${e.message}`);
    throw e;
  }
}

function headerColumns(cells: string[]): ImportColumn[] {
  const byLowerName = new Map(IMPORT_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const errors: FieldError[] = [];
  const columns = cells.map((cell, i) => {
    const column = byLowerName.get(cell.trim().toLowerCase());
    if (!column) {
      errors.push({
        field: `header[${i}]`,
        message: `"${cell.slice(0, 50)}" is not a known column; use ${IMPORT_COLUMNS.join(', ')}`,
      });
    }
    return column as ImportColumn;
  });
  const seen = new Set<ImportColumn>();
  columns.forEach((c, i) => {
    if (c && seen.has(c)) errors.push({ field: `header[${i}]`, message: `column ${c} appears twice` });
    seen.add(c);
  });
  if (!seen.has('name')) errors.push({ field: 'header', message: 'must have a name column' });
  if (errors.length) throw new ValidationProblem(errors);
  return columns;
}

/** Empty cells are left out (as if the field was not sent); `;` separates several values in one cell. */
function rowBody(columns: ImportColumn[], cells: string[]): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  columns.forEach((column, i) => {
    const cell = cells[i].trim();
    if (cell === '') return;
    body[column] = LIST_COLUMNS.has(column)
      ? cell
          .split(';')
          .map((v) => v.trim())
          .filter((v) => v !== '')
      : cell;
  });
  return body;
}

function fileProblem(field: string, message: string): ValidationProblem {
  return new ValidationProblem([{ field, message }]);
}
