import { batchesOf } from './kafka-probe';

const message = (value: string) => ({ key: 'k', value, headers: { h: 'v' } });

describe('batchesOf (KafkaProbe.publishJobs)', () => {
  it('splits messages into consecutive batches of at most maxBytes, in order', () => {
    // 1 (key) + 10 (value) + 2 (header) = 13 bytes each.
    const messages = Array.from({ length: 10 }, (_, i) => message(String(i).repeat(10)));
    const batches = batchesOf(messages, 40);
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(batches.flat()).toEqual(messages);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const batches = batchesOf([message('é'.repeat(10)), message('é'.repeat(10))], 30);
    expect(batches.map((b) => b.length)).toEqual([1, 1]);
  });

  it('sends a message larger than maxBytes alone and an empty list as no batch', () => {
    expect(batchesOf([message('x'.repeat(100)), message('y')], 20).map((b) => b.length)).toEqual([1, 1]);
    expect(batchesOf([], 20)).toEqual([]);
  });
});
