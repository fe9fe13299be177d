import type { StatementCounts } from './statement-counts';
import { countStatement } from './statement-counts';

describe('countStatement', () => {
  function run(texts: string[]): StatementCounts {
    const counts = { statements: 0, transactions: 0 };
    let inTransaction = false;
    for (const text of texts) inTransaction = countStatement(text, inTransaction, counts);
    return counts;
  }

  it('counts an explicit transaction once, at its COMMIT or ROLLBACK', () => {
    expect(
      run(['START TRANSACTION', 'INSERT INTO inbox VALUES (1)', 'UPDATE t SET a = 1', 'COMMIT']),
    ).toEqual({
      statements: 4,
      transactions: 1,
    });
    expect(run(['BEGIN', 'SELECT 1', 'ROLLBACK'])).toEqual({ statements: 3, transactions: 1 });
  });

  it('counts a statement outside a transaction as a transaction of its own', () => {
    expect(run(['SELECT 1', 'DELETE FROM outbox WHERE seq = ANY($1)'])).toEqual({
      statements: 2,
      transactions: 2,
    });
  });

  it('does not end the transaction at a savepoint or its rollback', () => {
    expect(
      run([
        'START TRANSACTION',
        'SAVEPOINT typeorm_1',
        'INSERT INTO t VALUES (1)',
        'ROLLBACK TO SAVEPOINT typeorm_1',
        'RELEASE SAVEPOINT typeorm_1',
        'COMMIT',
      ]),
    ).toEqual({ statements: 6, transactions: 1 });
  });
});
