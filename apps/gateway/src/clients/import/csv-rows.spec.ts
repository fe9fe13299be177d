import { UnstorableTextProblem, ValidationProblem } from '@practice-sync/problems';

import { MAX_IMPORT_ROWS, parseImportCsv } from './csv-rows';
import { DuplicateFinder } from './duplicate-finder';

function fileErrors(text: string): { field: string; message: string }[] {
  try {
    parseImportCsv(text);
  } catch (e) {
    if (e instanceof ValidationProblem) return e.errors ?? [];
    throw e;
  }
  throw new Error('expected the file to be refused');
}

describe('parseImportCsv', () => {
  it('reads rows by header, splits `;` lists and leaves empty cells out', () => {
    const rows = parseImportCsv(
      '\uFEFFName,PAN,gstins,tags,office\n' +
        'Reliance,aaacr5055k,"27AAACR5055K1Z7; 29AAACR5055K1Z3",gst-monthly;audit,\n' +
        '\n' +
        '"Patel, Kirana",,,,Pune\n',
    );
    expect(rows).toEqual([
      {
        row: 2,
        body: {
          name: 'Reliance',
          pan: 'aaacr5055k',
          gstins: ['27AAACR5055K1Z7', '29AAACR5055K1Z3'],
          tags: ['gst-monthly', 'audit'],
        },
      },
      { row: 4, body: { name: 'Patel, Kirana', office: 'Pune' } },
    ]);
  });

  it('fails only the row with a wrong number of cells', () => {
    const rows = parseImportCsv('name,pan\nA,AAACR5055K,extra\nB,BBBPK1234L\n');
    expect(rows[0]).toEqual({ row: 2, errors: [{ field: 'row', message: 'has 3 cells; the header has 2' }] });
    expect(rows[1]).toEqual({ row: 3, body: { name: 'B', pan: 'BBBPK1234L' } });
  });

  it('refuses files whose header or shape is wrong', () => {
    expect(fileErrors('')).toEqual([{ field: 'body', message: expect.stringContaining('is empty') }]);
    expect(fileErrors('pan,colour\n')).toEqual([
      { field: 'header[1]', message: expect.stringContaining('"colour" is not a known column') },
      { field: 'header', message: 'must have a name column' },
    ]);
    expect(fileErrors('name,name\nA,B\n')).toEqual([
      { field: 'header[1]', message: 'column name appears twice' },
    ]);
    expect(fileErrors('name\n')).toEqual([{ field: 'body', message: 'has a header but no client rows' }]);
    expect(fileErrors('name\n"unclosed\n')).toEqual([
      { field: 'body', message: expect.stringContaining('is not valid CSV') },
    ]);
    const tooMany = `name\n${'x\n'.repeat(MAX_IMPORT_ROWS + 1)}`;
    expect(fileErrors(tooMany)).toEqual([
      { field: 'body', message: expect.stringContaining('at most 10000') },
    ]);
  });
});

describe('parseImportCsv and unstorable text', () => {
  it('refuses a file with a NUL byte in a cell with a 422 naming the line and column', () => {
    let thrown: unknown;
    try {
      parseImportCsv('name,pan,office\nGood,AAACR5055K,Pune\nBad\u0000Name,,Mumbai\n');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UnstorableTextProblem);
    const problem = thrown as UnstorableTextProblem;
    expect(problem.getStatus()).toBe(422);
    expect(problem.errors).toEqual([{ field: 'row[3].name', message: expect.stringContaining('NUL') }]);
  });
});

describe('DuplicateFinder', () => {
  it('names the first line that had the PAN or GSTIN', () => {
    const finder = new DuplicateFinder();
    expect(finder.check(2, { pan: 'AAACR5055K', gstins: ['27AAACR5055K1Z7'] })).toEqual([]);
    expect(finder.check(3, { pan: 'AAACR5055K' })).toEqual([
      { field: 'pan', message: 'duplicates line 2 of this file' },
    ]);
    expect(finder.check(4, { gstins: ['29AAACR5055K1Z3', '27AAACR5055K1Z7'] })).toEqual([
      { field: 'gstins[1]', message: 'duplicates line 2 of this file' },
    ]);
    // Line 4 was rejected, so its other GSTIN is still free.
    expect(finder.check(5, { gstins: ['29AAACR5055K1Z3', '29AAACR5055K1Z3'] })).toEqual([
      { field: 'gstins[1]', message: 'repeats gstins[0] of this row' },
    ]);
  });
});
