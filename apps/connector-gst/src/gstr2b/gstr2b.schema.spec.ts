import { compiledSafeParse, isCompiled } from '@practice-sync/contracts';

import { document2b, invoice } from './gstr2b.fixtures';
import { Gstr2bDataSchema } from './gstr2b.schema';

/** A GET2B `data` as the fetcher decodes it: in place (owned), with zod's answer. */
function decodeBoth(data: unknown) {
  const owned = structuredClone(data);
  return {
    zod: Gstr2bDataSchema.safeParse(structuredClone(data)),
    compiled: compiledSafeParse(Gstr2bDataSchema, { owned: true })(owned),
    owned,
  };
}

function large(): Record<string, unknown> {
  const { items: _items, ...noItems } = invoice('INV-2');
  return {
    data: {
      ...document2b([
        { ctin: '29AABCT1332L1ZT', invoices: [invoice('INV-1'), { ...noItems, extra: 'kept' }] },
      ]),
      unknownTop: 1,
    },
  };
}

describe('Gstr2bDataSchema, decoded in place', () => {
  it('is compiled for owned input (its defaults and the coerced file count included)', () => {
    expect(isCompiled(Gstr2bDataSchema, { owned: true })).toBe(true);
  });

  it.each<[string, () => unknown]>([
    ['a whole 2B', large],
    ['a file count as text', () => ({ fc: '3' })],
    ['a document without docdata', () => ({ data: { gstin: 'x' } })],
    ['a supplier without invoices', () => ({ data: { docdata: { b2b: [{ ctin: '29AABCT1332L1ZT' }] } } })],
  ])('gives zod’s data for %s', (_what, data) => {
    const { zod, compiled, owned } = decodeBoth(data());
    expect(zod.success).toBe(true);
    expect(compiled.success && compiled.data).toBe(owned);
    expect(compiled.success && compiled.data).toEqual(zod.success && zod.data);
  });

  it.each<[string, () => unknown]>([
    ['a file count of zero', () => ({ fc: 0 })],
    ['a file count that is not a number', () => ({ fc: 'three' })],
    ['an invoice without a number', () => ({ data: document2b([{ ctin: 'C', invoices: [{ val: 1 }] }]) })],
    [
      'items that are not a list',
      () => ({ data: document2b([{ ctin: 'C', invoices: [{ inum: 'I', items: 1 }] }]) }),
    ],
    ['a supplier with an empty GSTIN', () => ({ data: document2b([{ ctin: '', invoices: [] }]) })],
  ])('gives zod’s error for %s', (_what, data) => {
    const { zod, compiled } = decodeBoth(data());
    expect(zod.success).toBe(false);
    expect(!compiled.success && compiled.error.issues).toEqual(!zod.success && zod.error.issues);
  });
});
