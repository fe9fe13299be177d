import { CreateSyncRunRequestSchema, ListSyncJobsQuerySchema } from './sync-runs.dto';

describe('CreateSyncRunRequestSchema', () => {
  it('accepts each selection form with categories and aliases', () => {
    for (const clients of [
      { all: true },
      { ids: ['c0000000-0000-4000-8000-000000000001'] },
      { tags: ['a'] },
      { offices: ['Pune'] },
    ]) {
      expect(
        CreateSyncRunRequestSchema.safeParse({ clients, categories: ['gst.all', 'itr.returns'] }).success,
      ).toBe(true);
    }
  });

  it('rejects unknown categories, mixed selections and bad periods', () => {
    const bad = [
      { clients: { all: true }, categories: ['gst.everything'] },
      { clients: { all: true, tags: ['a'] }, categories: ['gst.gstr2b'] },
      { clients: { all: true }, categories: [] },
      { clients: { all: true }, categories: ['gst.gstr2b'], period: { gst: '132026' } },
      { clients: { all: true }, categories: ['itr.returns'], period: { itr: '2025-27' } },
    ];
    for (const body of bad) expect(CreateSyncRunRequestSchema.safeParse(body).success).toBe(false);
  });

  it('refuses period.itr null ("all years") with how to ask, never a raw type error', () => {
    const result = CreateSyncRunRequestSchema.safeParse({
      clients: { all: true },
      categories: ['itr.all'],
      period: { itr: null },
    });
    expect(result.success).toBe(false);
    const issue = result.success ? null : result.error.issues[0];
    expect(issue?.path).toEqual(['period', 'itr']);
    expect(issue?.message).toContain('one run syncs one year');
    expect(issue?.message).not.toContain('Expected string');
  });

  it('accepts `all`', () => {
    const all = CreateSyncRunRequestSchema.safeParse({ clients: { all: true }, categories: ['all'] });
    expect(all.success).toBe(true);
  });
});

describe('ListSyncJobsQuerySchema', () => {
  it('coerces limit and checks filters', () => {
    expect(ListSyncJobsQuerySchema.parse({ limit: '20', outcome: 'failed' })).toEqual({
      limit: 20,
      outcome: 'failed',
    });
    expect(ListSyncJobsQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(ListSyncJobsQuerySchema.safeParse({ outcome: 'exploded' }).success).toBe(false);
    expect(ListSyncJobsQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });
});
