import type { FieldError } from '@practice-sync/problems';

import type { requestValidationProblem } from '../common/validation';
import { validBody } from '../common/validation';
import { CreateScheduleDto } from './sync-schedules.dto';
import { subjectProblems } from './sync-schedules.service';

async function errorsFor(body: unknown): Promise<FieldError[]> {
  try {
    await validBody.transform(body, { type: 'body', metatype: CreateScheduleDto });
    return [];
  } catch (e) {
    const problem = e as ReturnType<typeof requestValidationProblem>;
    if (problem.errors) return problem.errors;
    throw e;
  }
}

const LINK = '0193a8f4-1111-7abc-8def-0123456789ab';

describe('schedules over branch links (internal API)', () => {
  it('accepts links × books.* with every or cron and notBefore', async () => {
    expect(
      await errorsFor({
        name: 'branches every minute',
        links: { ids: [LINK] },
        categories: ['books.masters', 'books.transactions'],
        every: 'PT1M',
        notBefore: '2026-12-06T10:00:00Z',
      }),
    ).toEqual([]);
    expect(
      await errorsFor({
        name: 'nightly',
        links: { all: true },
        categories: ['books.transactions'],
        cron: '0 2 * * *',
      }),
    ).toEqual([]);
  });

  it('needs exactly one of clients and links, books.* only with links, and no period with links', async () => {
    const both = await errorsFor({
      name: 'x',
      clients: { all: true },
      links: { all: true },
      categories: ['books.masters'],
      every: 'PT1H',
    });
    expect(both).toEqual(
      expect.arrayContaining([
        { field: 'links', message: expect.stringContaining('save a second schedule') },
      ]),
    );
    expect(await errorsFor({ name: 'x', categories: ['gst.all'], every: 'PT1H' })).toEqual([
      { field: 'clients', message: expect.stringContaining('or send `links`') },
    ]);
    expect(
      await errorsFor({ name: 'x', links: { all: true }, categories: ['gst.gstr2b'], every: 'PT1H' }),
    ).toEqual([{ field: 'categories[0]', message: expect.stringContaining('save a separate schedule') }]);
    expect(
      await errorsFor({ name: 'x', clients: { all: true }, categories: ['books.masters'], every: 'PT1H' }),
    ).toEqual([{ field: 'categories[0]', message: expect.stringContaining('send `links`') }]);
    expect(
      await errorsFor({
        name: 'x',
        links: { all: true },
        categories: ['books.masters'],
        every: 'PT1H',
        period: { gst: '042025' },
      }),
    ).toEqual([{ field: 'period', message: expect.stringContaining('branch sync has no period') }]);
  });

  it('keeps a stored schedule over what it is over, with categories of that kind', () => {
    expect(subjectProblems('links', { clients: { all: true } })).toEqual([
      { field: 'clients', message: expect.stringContaining('cannot change') },
    ]);
    expect(subjectProblems('clients', { links: { all: true } })).toEqual([
      { field: 'links', message: expect.stringContaining('cannot change') },
    ]);
    expect(subjectProblems('links', { categories: ['books.masters', 'itr.all'] })).toEqual([
      { field: 'categories[1]', message: expect.stringContaining('cannot run over branch links') },
    ]);
    expect(subjectProblems('clients', { categories: ['books.masters'] })).toEqual([
      { field: 'categories[0]', message: expect.stringContaining('send `links`') },
    ]);
    expect(subjectProblems('links', { period: { gst: '042025' } })).toEqual([
      { field: 'period', message: expect.stringContaining('no period') },
    ]);
    expect(subjectProblems('links', { links: { all: true }, categories: ['books.masters'] })).toEqual([]);
  });
});
