import type { SnapshotObject } from './snapshot-chunks';
import { Chunker, resumePlan, snapshotWatermark } from './snapshot-chunks';

const obj = (tag: SnapshotObject['tag'], n: number): SnapshotObject => ({
  tag,
  guid: `g-${tag}-${n}`,
  alterId: n,
  node: {},
});

describe('Chunker', () => {
  it('cuts objects into chunks of the configured size, in order, the last one partly filled', () => {
    const chunker = new Chunker(3);
    const vouchers = Array.from({ length: 7 }, (_, i) => obj('VOUCHER', i + 1));
    const chunks = [
      ...chunker.add(vouchers.slice(0, 4)),
      ...chunker.add(vouchers.slice(4)),
      ...chunker.flush(),
    ];
    expect(chunks.map((c) => c.map((o) => o.alterId))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('never mixes masters and vouchers in one chunk', () => {
    const chunker = new Chunker(10);
    const chunks = [
      ...chunker.add([obj('GROUP', 1), obj('LEDGER', 2)]),
      ...chunker.add([obj('VOUCHER', 3), obj('VOUCHER', 4)]),
      ...chunker.flush(),
    ];
    expect(chunks.map((c) => c.map((o) => o.tag))).toEqual([
      ['GROUP', 'LEDGER'],
      ['VOUCHER', 'VOUCHER'],
    ]);
  });

  it('gives nothing for nothing and refuses a size below one', () => {
    expect(new Chunker(5).flush()).toEqual([]);
    expect(() => new Chunker(0)).toThrow(/at least one/);
  });
});

describe('resumePlan', () => {
  it('starts a fresh snapshot at chunk 0 and re-sends nothing', () => {
    const plan = resumePlan([0, 1, 2].map((index) => ({ index, sent: 0, acknowledged: false })));
    expect(plan).toEqual({ toSend: [0, 1, 2], resent: [], resumedFrom: 0 });
  });

  it('resumes after the last acknowledged chunk and never sends an acknowledged one again', () => {
    const plan = resumePlan([
      { index: 2, sent: 1, acknowledged: false },
      { index: 0, sent: 1, acknowledged: true },
      { index: 1, sent: 1, acknowledged: true },
      { index: 3, sent: 0, acknowledged: false },
    ]);
    expect(plan.toSend).toEqual([2, 3]);
    expect(plan.resumedFrom).toBe(2);
    // Chunk 2 was sent by the killed attempt but its acknowledgement was never recorded: it goes again.
    expect(plan.resent).toEqual([2]);
  });

  it('sends nothing when every chunk is acknowledged', () => {
    expect(resumePlan([{ index: 0, sent: 2, acknowledged: true }])).toEqual({
      toSend: [],
      resent: [],
      resumedFrom: 1,
    });
  });
});

describe('snapshotWatermark', () => {
  it("is the sender's top when nothing of the class was refused, else just below the oldest refusal", () => {
    expect(snapshotWatermark(500, null)).toBe(500);
    expect(snapshotWatermark(500, 120)).toBe(119);
    expect(snapshotWatermark(500, 900)).toBe(500);
    expect(snapshotWatermark(500, 1)).toBe(0);
  });
});
