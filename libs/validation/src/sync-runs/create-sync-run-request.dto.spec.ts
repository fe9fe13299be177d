import type { FieldError } from '@practice-sync/problems';

import { createValidationPipe } from '../validation.pipe';
import { CreateSyncRunRequestDto } from './create-sync-run-request.dto';

class FieldErrors extends Error {
  constructor(readonly errors: FieldError[]) {
    super('invalid');
  }
}

async function errorsFor(body: unknown): Promise<FieldError[]> {
  try {
    await createValidationPipe((errors) => new FieldErrors(errors)).transform(body, {
      type: 'body',
      metatype: CreateSyncRunRequestDto,
    });
    return [];
  } catch (e) {
    if (e instanceof FieldErrors) return e.errors;
    throw e;
  }
}

const ID = '0193a8f4-2222-7abc-8def-0123456789ab';

describe('CreateSyncRunRequestDto', () => {
  it.each([
    { clients: { all: true }, categories: ['gst.all'] },
    {
      clients: { ids: [ID] },
      categories: ['gst.gstr2b', 'itr.returns'],
      period: { gst: '042025', itr: '2025-26' },
    },
    { clients: { tags: ['gst-monthly'] }, categories: ['esign.signature_timestamps'] },
    { clients: { offices: ['Pune'] }, categories: ['itr.all'], period: {} },
  ])('accepts %j', async (body) => {
    expect(await errorsFor(body)).toEqual([]);
  });

  it('needs exactly one selection key', async () => {
    expect(await errorsFor({ clients: {}, categories: ['gst.all'] })).toEqual([
      { field: 'clients', message: expect.stringContaining('must be one of') },
    ]);
    expect(await errorsFor({ clients: { all: true, tags: ['a'] }, categories: ['gst.all'] })).toEqual([
      { field: 'clients', message: expect.stringContaining('exactly one') },
    ]);
    expect(await errorsFor({ clients: { everyone: true }, categories: ['gst.all'] })).toEqual([
      { field: 'clients.everyone', message: expect.stringContaining('not a known selection') },
    ]);
    expect(await errorsFor({ categories: ['gst.all'] })).toEqual([
      { field: 'clients', message: expect.stringContaining('is required') },
    ]);
  });

  it('names bad client ids by index', async () => {
    expect(await errorsFor({ clients: { ids: [ID, 'nope'] }, categories: ['gst.all'] })).toEqual([
      { field: 'clients.ids[1]', message: 'must be a client id (UUID)' },
    ]);
  });

  it('checks categories against the catalogue', async () => {
    expect(await errorsFor({ clients: { all: true }, categories: [] })).toEqual([
      { field: 'categories', message: 'must list at least one category' },
    ]);
    const errors = await errorsFor({ clients: { all: true }, categories: ['gst.gstr2b', 'gst.gstr9'] });
    expect(errors).toEqual([
      { field: 'categories[1]', message: expect.stringContaining('unknown category "gst.gstr9"') },
    ]);
  });

  it('checks period formats and rejects unknown period keys', async () => {
    const errors = await errorsFor({
      clients: { all: true },
      categories: ['gst.all'],
      period: { gst: '2025-04', itr: '2025-27', esign: 'x' },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'period.gst', message: expect.stringContaining('MMYYYY, e.g. 042025') },
        { field: 'period.itr', message: expect.stringContaining('YYYY-YY') },
        { field: 'period.esign', message: 'is not a known field; remove it' },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('refuses a null period (all years) with how to ask, not a type error', async () => {
    const errors = await errorsFor({
      clients: { all: true },
      categories: ['itr.all'],
      period: { itr: null, gst: null },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: 'period.itr', message: expect.stringContaining('one run syncs one year') },
        { field: 'period.gst', message: expect.stringContaining('omit it for the default period') },
      ]),
    );
  });

  it('accepts the `all` alias', async () => {
    expect(await errorsFor({ clients: { all: true }, categories: ['all'] })).toEqual([]);
  });

  describe('runs over branch links', () => {
    it.each([
      { links: { all: true }, categories: ['books.masters', 'books.transactions'] },
      { links: { ids: [ID] }, categories: ['books.transactions'] },
    ])('accepts %j', async (body) => {
      expect(await errorsFor(body)).toEqual([]);
    });

    it('refuses clients and links together, naming links', async () => {
      const errors = await errorsFor({
        clients: { all: true },
        links: { all: true },
        categories: ['books.masters'],
      });
      expect(errors).toEqual(
        expect.arrayContaining([{ field: 'links', message: expect.stringContaining('not both') }]),
      );
    });

    it('asks for clients or links when neither is sent', async () => {
      expect(await errorsFor({ categories: ['books.masters'] })).toEqual([
        { field: 'clients', message: expect.stringContaining('or send `links` instead') },
        { field: 'categories[0]', message: expect.stringContaining('send `links`') },
      ]);
    });

    it('takes only books.* categories with links, saying what to do', async () => {
      expect(await errorsFor({ links: { all: true }, categories: ['books.masters', 'gst.gstr2b'] })).toEqual([
        { field: 'categories[1]', message: expect.stringContaining('separate run over `clients`') },
      ]);
    });

    it('sends a snapshot to its own route, not a run over links', async () => {
      expect(await errorsFor({ links: { all: true }, categories: ['books.snapshot'] })).toEqual([
        {
          field: 'categories[0]',
          message: expect.stringContaining('POST /v1/branch-links/{id}/snapshot'),
        },
      ]);
    });

    it('takes books.* categories only with links', async () => {
      expect(await errorsFor({ clients: { all: true }, categories: ['gst.all', 'books.masters'] })).toEqual([
        { field: 'categories[1]', message: expect.stringContaining('send `links`') },
      ]);
    });

    it('refuses a period with links', async () => {
      expect(
        await errorsFor({ links: { all: true }, categories: ['books.masters'], period: { gst: '042025' } }),
      ).toEqual([{ field: 'period', message: expect.stringContaining('branch sync has no period') }]);
    });

    it('names bad link ids by index and unknown selection keys', async () => {
      expect(await errorsFor({ links: { ids: [ID, 'x'] }, categories: ['books.masters'] })).toEqual([
        { field: 'links.ids[1]', message: expect.stringContaining('branch link id') },
      ]);
      expect(await errorsFor({ links: { tags: ['a'] }, categories: ['books.masters'] })).toEqual([
        { field: 'links.tags', message: expect.stringContaining('no tags or offices') },
      ]);
      expect(await errorsFor({ links: { ids: [] }, categories: ['books.masters'] })).toEqual([
        { field: 'links.ids', message: expect.stringContaining('must not be empty') },
      ]);
    });
  });
});
