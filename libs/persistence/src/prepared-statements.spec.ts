import { isStalePreparedStatement, StatementNames } from './prepared-statements';

describe('StatementNames', () => {
  it('names a text from its second use on, and the same name every time after', () => {
    const names = new StatementNames(10);
    expect(names.nameFor('SELECT $1')).toBeUndefined();
    const name = names.nameFor('SELECT $1');
    expect(name).toMatch(/^ps\d+_\d+$/);
    expect(names.nameFor('SELECT $1')).toBe(name);
    expect(names.size).toBe(1);
  });

  it('gives different texts different names', () => {
    const names = new StatementNames(10);
    for (const t of ['A $1', 'B $1', 'A $1', 'B $1']) names.nameFor(t);
    expect(names.nameFor('A $1')).not.toBe(names.nameFor('B $1'));
  });

  it('names at most `max` texts; the others stay unnamed, the named ones keep their names', () => {
    const names = new StatementNames(2);
    for (const t of ['A', 'A', 'B', 'B', 'C', 'C', 'C']) names.nameFor(t);
    expect(names.size).toBe(2);
    expect(names.nameFor('C')).toBeUndefined();
    expect(names.nameFor('A')).toBeDefined();
  });

  it('after retireAll, texts are named afresh under names never used before', () => {
    const names = new StatementNames(10);
    names.nameFor('A');
    const before = names.nameFor('A');
    names.retireAll();
    expect(names.size).toBe(0);
    expect(names.nameFor('A')).toBeUndefined();
    const after = names.nameFor('A');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('recognises only PostgreSQL’s stale prepared statement error', () => {
    expect(
      isStalePreparedStatement({ code: '0A000', message: 'cached plan must not change result type' }),
    ).toBe(true);
    expect(isStalePreparedStatement({ code: '0A000', message: 'something else not supported' })).toBe(false);
    expect(isStalePreparedStatement({ code: '23505', message: 'duplicate key' })).toBe(false);
    expect(isStalePreparedStatement(null)).toBe(false);
  });
});
