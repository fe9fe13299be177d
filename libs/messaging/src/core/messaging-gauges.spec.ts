import { Registry } from 'prom-client';

import type { OffsetsAdmin } from './messaging-gauges';
import { consumerLag, outboxBacklogOf, registerMessagingGauges, topicDepth } from './messaging-gauges';

const marks: Record<string, { partition: number; high: string; low: string }[]> = {
  'p.sync.results.v1': [
    { partition: 0, high: '10', low: '0' },
    { partition: 1, high: '7', low: '2' },
  ],
  'p.sync.results.v1.dlq': [
    { partition: 0, high: '3', low: '1' },
    { partition: 1, high: '0', low: '0' },
  ],
};

const admin: OffsetsAdmin = {
  fetchTopicOffsets: async (topic) => marks[topic] ?? [],
  // Partition 1 was never committed (-1): the group reads it from the low watermark.
  fetchOffsets: async ({ topics }) =>
    topics.map((topic) => ({
      topic,
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '-1' },
      ],
    })),
};

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const found = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  if (!found) throw new Error(`no ${name} ${JSON.stringify(labels)}`);
  return found.value;
}

describe('messaging gauges', () => {
  it('lag is the high watermark minus the committed offset, summed over partitions', async () => {
    const lag = await consumerLag(admin, 'p.results', ['p.sync.results.v1']);
    expect(lag.get('p.sync.results.v1')).toBe(10 - 4 + (7 - 2));
  });

  it('a dead-letter topic holds high minus low watermark messages', async () => {
    expect(await topicDepth(admin, 'p.sync.results.v1.dlq')).toBe(2);
  });

  it('reads the outbox row count and the oldest row age', () => {
    expect(outboxBacklogOf([{ rows: '12', age: 3.5 }])).toEqual({ rows: 12, oldestAgeSeconds: 3.5 });
    expect(outboxBacklogOf([])).toEqual({ rows: 0, oldestAgeSeconds: 0 });
  });

  it('reports lag, DLQ depth and the outbox backlog of this process on scrape', async () => {
    const registry = new Registry();
    registerMessagingGauges(registry, {
      admin,
      groups: () => new Map([['p.results', ['p.sync.results.v1']]]),
      outbox: () => async () => [{ rows: 5, age: 42 }],
    });
    const text = await registry.metrics();
    expect(text).toContain('# HELP messaging_consumer_lag ');
    expect(
      await value(registry, 'messaging_consumer_lag', { group: 'p.results', topic: 'p.sync.results.v1' }),
    ).toBe(11);
    expect(await value(registry, 'messaging_dlq_messages', { topic: 'p.sync.results.v1.dlq' })).toBe(2);
    expect(await value(registry, 'messaging_outbox_backlog')).toBe(5);
    expect(await value(registry, 'messaging_outbox_oldest_age_seconds')).toBe(42);
  });

  it('leaves a source that fails out of the scrape instead of failing /metrics', async () => {
    const registry = new Registry();
    const errors: unknown[] = [];
    registerMessagingGauges(registry, {
      admin: { ...admin, fetchOffsets: () => Promise.reject(new Error('broker down')) },
      groups: () => new Map([['p.results', ['p.sync.results.v1']]]),
      outbox: () => null,
      onError: (e) => errors.push(e),
    });
    const metric = await registry.getSingleMetric('messaging_consumer_lag')?.get();
    expect(metric?.values).toEqual([]);
    expect(errors).toHaveLength(1);
  });
});
