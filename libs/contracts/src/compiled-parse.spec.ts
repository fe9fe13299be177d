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

function recordsChunk(): Record<string, unknown> {
  return {
    jobId: id,
    runId: id,
    clientId: id,
    category: 'gst.gstr1_1a',
    subject: { kind: 'gstin', value: '27AAACB1234C1Z5' },
    period: '102026',
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
    jobId: id,
    runId: id,
    clientId: id,
    category: 'gst.gstr1_1a',
    subject: { kind: 'gstin', value: '27AAACB1234C1Z5' },
    period: '102026',
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
});
