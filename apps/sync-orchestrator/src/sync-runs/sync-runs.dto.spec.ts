import type { ArgumentMetadata } from '@nestjs/common';
import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';
import { CreateSyncRunRequestDto } from '@practice-sync/validation';

import { validBody, validQuery } from '../common/validation';
import { ListSyncJobsQueryDto } from './sync-runs.dto';

/** The value the controller receives, or the errors of the 400. */
async function validate(
  value: unknown,
  metadata: ArgumentMetadata,
): Promise<{ value?: unknown; errors?: FieldError[] }> {
  try {
    return { value: await (metadata.type === 'body' ? validBody : validQuery).transform(value, metadata) };
  } catch (e) {
    if (e instanceof ValidationProblem) return { errors: e.errors };
    throw e;
  }
}

const body = (value: unknown) => validate(value, { type: 'body', metatype: CreateSyncRunRequestDto });
const jobsQuery = (value: unknown) => validate(value, { type: 'query', metatype: ListSyncJobsQueryDto });

describe('CreateSyncRunRequestDto (internal API)', () => {
  it('accepts each selection form with categories and aliases', async () => {
    for (const clients of [
      { all: true },
      { ids: ['c0000000-0000-4000-8000-000000000001'] },
      { tags: ['a'] },
      { offices: ['Pune'] },
    ]) {
      expect((await body({ clients, categories: ['gst.all', 'itr.returns'] })).errors).toBeUndefined();
    }
  });

  it('rejects unknown categories, mixed selections and bad periods', async () => {
    const bad = [
      { clients: { all: true }, categories: ['gst.everything'] },
      { clients: { all: true, tags: ['a'] }, categories: ['gst.gstr2b'] },
      { clients: { all: true }, categories: [] },
      { clients: { all: true }, categories: ['gst.gstr2b'], period: { gst: '132026' } },
      { clients: { all: true }, categories: ['itr.returns'], period: { itr: '2025-27' } },
    ];
    for (const b of bad) expect((await body(b)).errors?.length).toBeGreaterThan(0);
  });

  it('refuses period.itr null ("all years") with how to ask, never a raw type error', async () => {
    const { errors } = await body({ clients: { all: true }, categories: ['itr.all'], period: { itr: null } });
    expect(errors?.[0]?.field).toBe('period.itr');
    expect(errors?.[0]?.message).toContain('one run syncs one year');
    expect(errors?.[0]?.message).not.toContain('must be a string');
  });

  it('accepts `all`', async () => {
    expect((await body({ clients: { all: true }, categories: ['all'] })).errors).toBeUndefined();
  });
});

describe('ListSyncJobsQueryDto', () => {
  it('coerces limit and checks filters', async () => {
    expect((await jobsQuery({ limit: '20', outcome: 'failed' })).value).toEqual({
      limit: 20,
      outcome: 'failed',
    });
    expect((await jobsQuery({})).value).toEqual({ limit: 50 });
    expect((await jobsQuery({ outcome: 'exploded' })).errors?.length).toBeGreaterThan(0);
    expect((await jobsQuery({ limit: '0' })).errors?.length).toBeGreaterThan(0);
  });
});
