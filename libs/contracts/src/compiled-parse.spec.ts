import { z } from 'zod';

import { compiledSafeParse, isCompiled } from './compiled-parse';
import { EnvelopeSchema } from './envelope';
import { BooksJobCompletedEvent } from './events/books-job-completed/books-job-completed.event';
import { ClientRecordsChangedEvent } from './events/client-records-changed/client-records-changed.event';
import { SyncJobCompletedEvent } from './events/sync-job-completed/sync-job-completed.event';
import { ALL_EVENTS } from './index';

/** The compiled answer must be zod's answer: the same success, the same data, the same issues. */
function expectSameAsZod(schema: z.ZodTypeAny, input: unknown): void {
  const zod = schema.safeParse(structuredClone(input));
  const compiled = compiledSafeParse(schema)(structuredClone(input));
  expect(compiled.success).toBe(zod.success);
  if (zod.success && compiled.success) expect(compiled.data).toEqual(zod.data);
  if (!zod.success && !compiled.success) expect(compiled.error.issues).toEqual(zod.error.issues);
}

const id = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

/** The fields every job event starts with. */
function jobFields(): Record<string, unknown> {
  return {
    jobId: id,
    runId: id,
    clientId: id,
    category: 'gst.gstr1_1a',
    subject: { kind: 'gstin', value: '27AAACB1234C1Z5' },
    period: '102026',
  };
}

function recordsChunk(): Record<string, unknown> {
  return {
    ...jobFields(),
    attempt: 1,
    chunk: { index: 0, count: 1 },
    changes: [
      {
        naturalKey: '27AAACB1234C1Z5|INV-1',
        change: 'added',
        hash: 'ab'.repeat(32),
        data: {
          inum: 'INV-1',
          val: 1180.5,
          itms: [{ num: 1, itm_det: { rt: 18, txval: 1000 } }],
          note: null,
        },
      },
      { naturalKey: '27AAACB1234C1Z5|INV-2', change: 'removed', hash: null, data: null },
    ],
  };
}

function jobCompleted(): Record<string, unknown> {
  return {
    ...jobFields(),
    attempt: 2,
    outcome: 'failed',
    errorCode: 'portal_unavailable',
    errorMessage: 'The GST portal did not answer',
    retryable: true,
    counts: { added: 0, updated: 0, removed: 0, unchanged: 0 },
    startedAt: '2026-12-07T09:00:00.000Z',
    finishedAt: '2026-12-07T09:00:01.250+05:30',
  };
}

/** Each change applied to a fresh copy of `base`, one at a time. */
const mutations: [string, (d: Record<string, unknown>) => void][] = [
  ['as it is', () => undefined],
  ['a required key missing', (d) => delete d['runId']],
  ['a required key undefined', (d) => (d['runId'] = undefined)],
  ['a wrong type', (d) => (d['attempt'] = '1')],
  ['a number zod refuses (0 is not positive)', (d) => (d['attempt'] = 0)],
  ['a fraction for an integer', (d) => (d['attempt'] = 1.5)],
  ['not a uuid', (d) => (d['jobId'] = 'job-1')],
  ['a uuid with surrounding text', (d) => (d['jobId'] = `urn:uuid:${id}`)],
  ['an unknown enum value', (d) => (d['category'] = 'gst.gstr99')],
  ['null where null is not allowed', (d) => (d['clientId'] = null)],
  ['an unknown key (zod strips it)', (d) => (d['extra'] = 1)],
  [
    'an unknown nested key (zod strips it)',
    (d) => ((d['subject'] as Record<string, unknown>)['extra'] = 'x'),
  ],
  ['an empty string below its minimum', (d) => ((d['subject'] as Record<string, unknown>)['value'] = '')],
  ['an array for an object', (d) => (d['subject'] = [])],
  ['not an object at all', (d) => Object.keys(d).forEach((k) => delete d[k])],
];

describe('compiledSafeParse', () => {
  it('compiles every event contract but those zod must change (defaults), and the envelope', () => {
    const notCompiled = ALL_EVENTS.filter((c) => !isCompiled(c.schema)).map((c) => c.type);
    // BooksJobCompleted fills `held` and `conflicts` with 0: only zod's parse gives that output.
    expect(notCompiled).toEqual([BooksJobCompletedEvent.type]);
    expect(isCompiled(EnvelopeSchema)).toBe(true);
  });

  describe.each<[string, z.ZodTypeAny, () => Record<string, unknown>]>([
    ['ClientRecordsChanged', ClientRecordsChangedEvent.schema, recordsChunk],
    ['SyncJobCompleted', SyncJobCompletedEvent.schema, jobCompleted],
  ])('%s gives zod’s answer', (_name, schema, base) => {
    it('is valid as built here', () => {
      expect(compiledSafeParse(schema)(base()).success).toBe(true);
    });

    it.each(mutations)('%s', (_what, mutate) => {
      const input = base();
      mutate(input);
      expectSameAsZod(schema, input);
    });
  });

  it.each<[string, (d: Record<string, unknown>) => void]>([
    [
      'a change of an unknown kind',
      (d) => ((d['changes'] as Record<string, unknown>[])[0]['change'] = 'moved'),
    ],
    ['an empty natural key', (d) => ((d['changes'] as Record<string, unknown>[])[1]['naturalKey'] = '')],
    ['record data that is an array', (d) => ((d['changes'] as Record<string, unknown>[])[0]['data'] = [1])],
    ['a missing hash', (d) => delete (d['changes'] as Record<string, unknown>[])[0]['hash']],
    ['a chunk index below zero', (d) => ((d['chunk'] as Record<string, unknown>)['index'] = -1)],
  ])('a records chunk with %s gets zod’s answer', (_what, mutate) => {
    const input = recordsChunk();
    mutate(input);
    expectSameAsZod(ClientRecordsChangedEvent.schema, input);
  });

  it.each([
    ['a timestamp with an offset', '2026-12-07T09:00:00+05:30', true],
    ['a timestamp without a zone', '2026-12-07T09:00:00', false],
    ['a date only', '2026-12-07', false],
  ])('checks the envelope’s occurredAt as zod does: %s', (_what, occurredAt, valid) => {
    const envelope = {
      id,
      type: 'sync.job.completed',
      version: 1,
      occurredAt,
      firmId: 'firm-1',
      correlationId: null,
      causationId: null,
      data: { anything: true },
    };
    expect(compiledSafeParse(EnvelopeSchema)(envelope).success).toBe(valid);
    expectSameAsZod(EnvelopeSchema, envelope);
  });

  it('returns valid input itself, not a copy', () => {
    const input = recordsChunk();
    const result = compiledSafeParse(ClientRecordsChangedEvent.schema)(input);
    expect(result.success && result.data).toBe(input);
  });

  it('leaves a schema with a default to zod, which fills it in', () => {
    const schema = z.object({ held: z.number().int().default(0) });
    expect(isCompiled(schema)).toBe(false);
    expect(compiledSafeParse(schema)({})).toEqual({ success: true, data: { held: 0 } });
  });

  it.each<[string, z.ZodTypeAny, unknown]>([
    ['a refinement', z.string().refine((s) => s.startsWith('x')), 'y'],
    ['a transform', z.string().transform((s) => s.length), 'abc'],
    ['a trimming string', z.object({ name: z.string().trim() }), { name: ' a ' }],
    ['a union', z.union([z.string(), z.number()]), 1],
    ['a catch-all', z.object({}).catchall(z.number()), { a: 1 }],
  ])('leaves %s to zod', (_what, schema, input) => {
    expect(isCompiled(schema)).toBe(false);
    expectSameAsZod(schema, input);
  });

  it('keeps what a passthrough object passes through, and refuses what a strict one refuses', () => {
    const loose = z.object({ a: z.string() }).passthrough();
    const strict = z.object({ a: z.string() }).strict();
    expect(isCompiled(loose) && isCompiled(strict)).toBe(true);
    expectSameAsZod(loose, { a: 'x', b: 2 });
    expectSameAsZod(strict, { a: 'x', b: 2 });
    expect(compiledSafeParse(strict)({ a: 'x', b: 2 }).success).toBe(false);
  });

  it('checks array lengths and literals as zod does', () => {
    const schema = z.object({ tags: z.array(z.literal('a')).min(1).max(2), n: z.literal(3) });
    expect(isCompiled(schema)).toBe(true);
    for (const input of [
      { tags: ['a'], n: 3 },
      { tags: [], n: 3 },
      { tags: ['a', 'a', 'a'], n: 3 },
      { tags: ['b'], n: 3 },
      { tags: ['a'], n: 4 },
    ]) {
      expectSameAsZod(schema, input);
    }
  });

  it('refuses NaN and a non-finite number where zod does', () => {
    const schema = z.object({ n: z.number(), f: z.number().finite() });
    expectSameAsZod(schema, { n: Number.NaN, f: 1 });
    expectSameAsZod(schema, { n: 1, f: Number.POSITIVE_INFINITY });
    expect(compiledSafeParse(schema)({ n: Number.NaN, f: 1 }).success).toBe(false);
  });

  it('checks a plain number itself, and leaves what it refuses (±Infinity, NaN) to zod', () => {
    const plain = z.number();
    const schema = z.object({ n: plain, items: z.array(z.object({ rt: plain }).passthrough()) });
    const parse = jest.spyOn(plain, '_parse');
    for (const owned of [false, true]) {
      // Compiling asks zod whether each key is optional; checking input must not ask it anything.
      expect(isCompiled(schema, { owned })).toBe(true);
      parse.mockClear();
      const valid = { n: -0, items: [{ rt: 18 }, { rt: 0.5 }] };
      expect(compiledSafeParse(schema, { owned })(valid)).toEqual({ success: true, data: valid });
      expect(parse).not.toHaveBeenCalled();
      for (const n of [Number.NaN, '1']) {
        expectSameAsZod(schema, { n, items: [] });
        expectOwnedSameAsZod(schema, { n, items: [] });
      }
      // zod accepts ±Infinity for a plain number: the validator refuses it, and zod's answer (its copy) is given.
      for (const n of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expectSameAsZod(schema, { n, items: [] });
        const answer = compiledSafeParse(schema, { owned })({ n, items: [] });
        expect(answer).toEqual({ success: true, data: { n, items: [] } });
      }
      expect(parse).toHaveBeenCalled();
    }
    parse.mockRestore();
  });
});

/** For owned input: zod's answer too, made in the input itself (objects' key order aside). */
function expectOwnedSameAsZod(schema: z.ZodTypeAny, input: unknown): void {
  const zod = schema.safeParse(structuredClone(input));
  const owned = structuredClone(input);
  const compiled = compiledSafeParse(schema, { owned: true })(owned);
  expect(compiled.success).toBe(zod.success);
  if (zod.success && compiled.success) {
    expect(compiled.data).toEqual(zod.data);
    // Compiled, the answer is the input itself; left to zod, it is zod's copy.
    if (isCompiled(schema, { owned: true })) expect(compiled.data).toBe(owned);
  }
  if (!zod.success && !compiled.success) expect(compiled.error.issues).toEqual(zod.error.issues);
}

describe('compiledSafeParse for owned input (a portal answer)', () => {
  // The constructs the connectors' portal schemas use, each of which zod changes the data for.
  const item = z.object({ rt: z.number().optional(), txval: z.number().optional() }).passthrough();
  const invoice = z.object({
    inum: z.string().min(1),
    val: z.coerce.number().optional(),
    status: z.union([z.string(), z.number()]).transform(String),
    items: z.array(item).default([]),
    note: z.string().trim().nullable().optional(),
  });
  const answer = z
    .object({
      fc: z.coerce.number().int().positive().optional(),
      supplier: z.object({ ctin: z.string().min(1), inv: z.array(invoice).default([]) }).passthrough(),
    })
    .passthrough();

  function sample(): Record<string, unknown> {
    return {
      fc: '2',
      extra: { kept: true },
      supplier: {
        ctin: '27AAACB1234C1Z5',
        trdnm: 'passed through',
        inv: [
          { inum: 'INV-1', val: '1180.5', status: 1, items: [{ rt: 18, txval: 1000, extra: 'x' }], drop: 1 },
          { inum: 'INV-2', status: 'Y', note: '  padded  ' },
        ],
      },
    };
  }

  it('compiles a schema with defaults, coercions, transforms and unions only for owned input', () => {
    expect(isCompiled(answer)).toBe(false);
    expect(isCompiled(answer, { owned: true })).toBe(true);
  });

  it('makes zod’s changes in the input: strips, defaults, coerces, transforms', () => {
    const input = sample();
    const result = compiledSafeParse(answer, { owned: true })(input);
    expect(result.success && result.data).toBe(input);
    expect(input).toEqual(answer.parse(sample()));
    const inv = (input['supplier'] as { inv: Record<string, unknown>[] }).inv;
    expect(inv[0]).not.toHaveProperty('drop');
    expect(inv[0]['val']).toBe(1180.5);
    expect(inv[0]['status']).toBe('1');
    expect(inv[1]['items']).toEqual([]);
    expect(inv[1]['note']).toBe('padded');
    expect(input['fc']).toBe(2);
  });

  const invoiceOf = (d: Record<string, unknown>, i: number) =>
    (d['supplier'] as { inv: Record<string, unknown>[] }).inv[i];
  it.each<[string, (d: Record<string, unknown>) => void]>([
    ['as it is', () => undefined],
    ['a file count that is not a number', (d) => (d['fc'] = 'many')],
    ['a file count of zero', (d) => (d['fc'] = 0)],
    ['an empty invoice number', (d) => (invoiceOf(d, 1)['inum'] = '')],
    ['a status of the wrong type', (d) => (invoiceOf(d, 0)['status'] = true)],
    ['items that are not a list', (d) => (invoiceOf(d, 0)['items'] = {})],
    ['a rate that is text', (d) => ((invoiceOf(d, 0)['items'] as Record<string, unknown>[])[0]['rt'] = '18')],
    ['a note of null', (d) => (invoiceOf(d, 1)['note'] = null)],
    ['no supplier', (d) => delete d['supplier']],
    ['no invoices (the default)', (d) => delete (d['supplier'] as Record<string, unknown>)['inv']],
    ['not an object', (d) => Object.keys(d).forEach((k) => delete d[k])],
  ])('gives zod’s answer for an answer with %s', (_what, mutate) => {
    const input = sample();
    mutate(input);
    expectOwnedSameAsZod(answer, input);
  });

  it('writes no output into a refused input, so zod sees it as it came', () => {
    // The length transform would fail zod's second look at its own output ("expected string, received number").
    const schema = z.object({ name: z.string().transform((s) => s.length), n: z.number() });
    const input = { name: 'abc', n: 'x' };
    const result = compiledSafeParse(schema, { owned: true })(input);
    expect(result.success).toBe(false);
    expect(input.name).toBe('abc');
    expect(!result.success && result.error.issues).toEqual(
      schema.safeParse({ name: 'abc', n: 'x' }).error?.issues,
    );
  });

  it('leaves a schema only zod can parse at its root to zod', () => {
    const schema = z.array(z.object({ a: z.string() })).transform((v) => v.length);
    expect(isCompiled(schema, { owned: true })).toBe(false);
    expectOwnedSameAsZod(schema, [{ a: 'x' }]);
  });

  it('keeps the shared path as it was: the same schema stays uncompiled there and the input untouched', () => {
    const input = sample();
    const result = compiledSafeParse(answer)(input);
    expect(result.success).toBe(true);
    expect(input).toEqual(sample());
  });
});
