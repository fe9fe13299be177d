import { isDatabaseUnavailable } from './database-unavailable';

describe('isDatabaseUnavailable', () => {
  it('says yes for a killed backend, a restarting server and a refused or dropped connection', () => {
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    // TypeORM, when the transaction's connection died under it (a PostgreSQL restart mid-transaction).
    expect(
      isDatabaseUnavailable(
        Object.assign(
          new Error(
            'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
          ),
          { name: 'QueryRunnerProviderAlreadyReleasedError' },
        ),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('Query runner already released. Cannot run queries anymore.')),
    ).toBe(true);
  });

  it('looks through TypeORM’s driverError and a cause', () => {
    const driverError = Object.assign(new Error('Connection terminated'), {});
    expect(isDatabaseUnavailable({ message: 'Query failed', driverError })).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('outer', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }),
      ),
    ).toBe(true);
  });

  it('says no for a statement that failed on its own', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(new Error('handler bug'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('Connection terminated')).toBe(false);
  });
});
