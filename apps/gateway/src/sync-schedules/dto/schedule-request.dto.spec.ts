import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';

import { createValidationPipe } from '../../validation/validation.pipe';
import { CreateScheduleRequestDto, UpdateScheduleRequestDto } from './schedule-request.dto';

async function errorsFor(
  body: unknown,
  metatype: new () => object = CreateScheduleRequestDto,
): Promise<FieldError[]> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype });
    return [];
  } catch (e) {
    if (e instanceof ValidationProblem) return e.errors ?? [];
    throw e;
  }
}

const LINK = '0193a8f4-1111-7abc-8def-0123456789ab';
const links = {
  name: 'branches',
  links: { ids: [LINK] },
  categories: ['books.masters', 'books.transactions'],
};

describe('CreateScheduleRequestDto over branch links', () => {
  it('lets a schedule over links run every minute, not more often', async () => {
    expect(await errorsFor({ ...links, every: 'PT1M', notBefore: '2026-12-06T10:00:00Z' })).toEqual([]);
    expect(await errorsFor({ ...links, every: 'PT30S' })).toEqual([
      { field: 'every', message: 'must be at least PT1M (one minute)' },
    ]);
  });

  it('keeps five minutes for a schedule over clients', async () => {
    expect(
      await errorsFor({ name: 'x', clients: { all: true }, categories: ['gst.all'], every: 'PT1M' }),
    ).toEqual([{ field: 'every', message: 'must be at least PT5M (five minutes)' }]);
  });

  it('refuses both selections, portal categories over links, books.* over clients and a period over links', async () => {
    expect(await errorsFor({ ...links, clients: { all: true }, every: 'PT1H' })).toEqual(
      expect.arrayContaining([{ field: 'links', message: expect.stringContaining('not both') }]),
    );
    expect(await errorsFor({ ...links, categories: ['gst.all'], every: 'PT1H' })).toEqual([
      { field: 'categories[0]', message: expect.stringContaining('cannot run over branch links') },
    ]);
    expect(
      await errorsFor({ name: 'x', clients: { all: true }, categories: ['books.masters'], every: 'PT1H' }),
    ).toEqual([{ field: 'categories[0]', message: expect.stringContaining('send `links`') }]);
    expect(await errorsFor({ ...links, every: 'PT1H', period: { gst: '042025' } })).toEqual([
      { field: 'period', message: expect.stringContaining('branch sync has no period') },
    ]);
    expect(await errorsFor({ ...links, links: { tags: ['x'] }, every: 'PT1H' })).toEqual([
      { field: 'links.tags', message: expect.stringContaining('no tags or offices') },
    ]);
  });
});

describe('UpdateScheduleRequestDto', () => {
  it('takes an every down to PT1M (the controller holds clients to PT5M) and never both selections', async () => {
    expect(await errorsFor({ every: 'PT1M' }, UpdateScheduleRequestDto)).toEqual([]);
    expect(await errorsFor({ every: 'PT10S' }, UpdateScheduleRequestDto)).toEqual([
      { field: 'every', message: 'must be at least PT1M (one minute)' },
    ]);
    expect(
      await errorsFor({ clients: { all: true }, links: { all: true } }, UpdateScheduleRequestDto),
    ).toEqual([{ field: 'links', message: expect.stringContaining('cannot change') }]);
    expect(await errorsFor({ categories: ['books.masters', 'gst.nope'] }, UpdateScheduleRequestDto)).toEqual([
      { field: 'categories[1]', message: expect.stringContaining('unknown category "gst.nope"') },
    ]);
  });
});
