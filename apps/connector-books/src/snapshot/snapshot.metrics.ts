import { counter } from '@practice-sync/observability';
import type { Counter, Registry } from 'prom-client';

export type ChunkEvent = 'sent' | 'acknowledged' | 'resent';

/**
 * `connector_books_snapshot_chunks_total{event}` (sent, acknowledged, re-sent after an attempt was killed
 * mid-chunk) and `connector_books_snapshot_bytes_total{event}` / `…_objects_total{event}` for throughput.
 */
export class SnapshotMetrics {
  private readonly chunks: Counter<'event'>;
  private readonly bytes: Counter<'event'>;
  private readonly objects: Counter<'event'>;

  constructor(registry: Registry) {
    this.chunks = counter(registry, 'connector_books_snapshot_chunks_total', 'Snapshot chunks by event', [
      'event',
    ]);
    this.bytes = counter(registry, 'connector_books_snapshot_bytes_total', 'Snapshot chunk bytes by event', [
      'event',
    ]);
    this.objects = counter(registry, 'connector_books_snapshot_objects_total', 'Snapshot objects by event', [
      'event',
    ]);
  }

  chunk(event: ChunkEvent, bytes: number, objects: number): void {
    this.chunks.inc({ event });
    this.bytes.inc({ event }, bytes);
    this.objects.inc({ event }, objects);
  }
}
