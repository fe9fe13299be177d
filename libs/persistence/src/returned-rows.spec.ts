import { returnedRows } from './returned-rows';

describe('returnedRows', () => {
  it('unwraps the [rows, affected] pair of an UPDATE … RETURNING', () => {
    expect(returnedRows([[{ id: '1' }, { id: '2' }], 2])).toEqual([{ id: '1' }, { id: '2' }]);
    expect(returnedRows([[], 0])).toEqual([]);
  });

  it('passes the rows of an INSERT … RETURNING through, even two rows that are arrays', () => {
    expect(returnedRows([{ id: '1' }, { id: '2' }])).toEqual([{ id: '1' }, { id: '2' }]);
    const arrayRows = [[1], [2]];
    expect(returnedRows(arrayRows)).toBe(arrayRows);
  });

  it('answers no rows for anything else', () => {
    expect(returnedRows(undefined)).toEqual([]);
    expect(returnedRows({ affected: 1 })).toEqual([]);
  });
});
