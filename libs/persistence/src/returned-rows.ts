/**
 * The rows of a data-changing statement with `RETURNING`, sent through TypeORM's `query()`. On PostgreSQL it
 * answers `INSERT … RETURNING` with the rows, but `UPDATE` and `DELETE … RETURNING` with `[rows, affected]`.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return Array.isArray(result) ? (result as T[]) : [];
}
