import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';

import { createValidationPipe } from '../../validation/validation.pipe';
import { ListNoticesQueryDto } from './list-notices-query.dto';

async function errorsFor(query: Record<string, unknown>): Promise<FieldError[]> {
  try {
    await createValidationPipe().transform(query, { type: 'query', metatype: ListNoticesQueryDto });
    return [];
  } catch (e) {
    if (e instanceof ValidationProblem) return e.errors ?? [];
    throw e;
  }
}

describe('ListNoticesQueryDto', () => {
  it('accepts every filter', async () => {
    expect(
      await errorsFor({
        clientId: '0193a8f4-2222-7abc-8def-0123456789ab',
        portal: 'gst',
        category: 'itr.notices_orders',
        dueBefore: '2026-06-30',
        status: 'closed',
        limit: '10',
      }),
    ).toEqual([]);
  });

  it('names each bad filter and says what it takes', async () => {
    expect(await errorsFor({ dueBefore: '30-06-2026' })).toEqual([
      { field: 'dueBefore', message: 'must be a date YYYY-MM-DD, e.g. 2026-06-30' },
    ]);
    expect(await errorsFor({ dueBefore: '2026-02-30' })).toEqual([
      { field: 'dueBefore', message: 'must be a date YYYY-MM-DD, e.g. 2026-06-30' },
    ]);
    expect(await errorsFor({ status: 'pending' })).toEqual([
      { field: 'status', message: 'must be one of open, replied, closed' },
    ]);
    expect(await errorsFor({ portal: 'esign' })).toEqual([
      { field: 'portal', message: 'must be one of gst, itr' },
    ]);
    expect((await errorsFor({ clientId: 'x', category: 'gst.gstr2b' })).map((e) => e.field).sort()).toEqual([
      'category',
      'clientId',
    ]);
  });
});
