import type { OffsetsByTopicPartition } from 'kafkajs';

import type { CommitHandle } from './offset-committer';
import { OffsetCommitter } from './offset-committer';

/** A kafkajs batch handle over an in-memory offset manager: resolved offsets, and what was committed. */
function fakeGroup() {
  const resolved = new Map<number, string>();
  const committed = new Map<number, string>();
  const commits: OffsetsByTopicPartition[] = [];
  let failNext = false;
  const handle: CommitHandle = {
    uncommittedOffsets: () => {
      const partitions = [...resolved]
        .filter(([p, o]) => committed.get(p) !== o)
        .map(([partition, offset]) => ({ partition, offset }));
      return { topics: partitions.length ? [{ topic: 't', partitions }] : [] };
    },
    commitOffsetsIfNecessary: async (offsets) => {
      if (failNext) {
        failNext = false;
        throw new Error('The coordinator is not aware of this member');
      }
      const given = offsets as OffsetsByTopicPartition;
      commits.push(given);
      for (const { partitions } of given.topics)
        for (const { partition, offset } of partitions) committed.set(partition, offset);
    },
  };
  return {
    handle,
    commits,
    committed,
    resolve: (partition: number, offset: string) => resolved.set(partition, offset),
    failNextCommit: () => (failNext = true),
  };
}

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits what was resolved once per interval, not once per batch', async () => {
    const group = fakeGroup();
    const committer = new OffsetCommitter(1000, () => undefined);
    for (let i = 1; i <= 5; i++) {
      committer.track(group.handle);
      group.resolve(0, String(i));
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(group.commits).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(500);
    expect(group.commits).toHaveLength(1);
    expect(group.committed.get(0)).toBe('5');
    await committer.stop();
  });

  it('sends nothing when nothing new was resolved', async () => {
    const group = fakeGroup();
    const committer = new OffsetCommitter(1000, () => undefined);
    committer.track(group.handle);
    group.resolve(1, '7');
    await jest.advanceTimersByTimeAsync(1000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(group.commits).toHaveLength(1);
    await committer.stop();
  });

  it('commits the rest on stop, then no more', async () => {
    const group = fakeGroup();
    const committer = new OffsetCommitter(1000, () => undefined);
    committer.track(group.handle);
    group.resolve(0, '3');
    group.resolve(2, '9');
    await committer.stop();
    expect(group.committed).toEqual(
      new Map([
        [0, '3'],
        [2, '9'],
      ]),
    );
    committer.track(group.handle);
    group.resolve(0, '4');
    await jest.advanceTimersByTimeAsync(5000);
    expect(group.committed.get(0)).toBe('3');
  });

  it('reports a failed commit and commits the same offsets at the next interval', async () => {
    const group = fakeGroup();
    const errors: unknown[] = [];
    const committer = new OffsetCommitter(1000, (e) => errors.push(e));
    committer.track(group.handle);
    group.resolve(0, '12');
    group.failNextCommit();
    await jest.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(1);
    expect(group.committed.has(0)).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(group.committed.get(0)).toBe('12');
    await committer.stop();
  });

  it('commits through the latest batch handle (the group’s current generation)', async () => {
    const before = fakeGroup();
    const after = fakeGroup();
    const committer = new OffsetCommitter(1000, () => undefined);
    committer.track(before.handle);
    before.resolve(0, '5');
    // a rebalance: kafkajs hands out batches of the new generation, whose offsets alone may be committed
    committer.track(after.handle);
    after.resolve(3, '2');
    await jest.advanceTimersByTimeAsync(1000);
    expect(before.commits).toHaveLength(0);
    expect(after.committed.get(3)).toBe('2');
    await committer.stop();
  });
});
