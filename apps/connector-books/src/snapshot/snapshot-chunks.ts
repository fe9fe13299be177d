import type { ObjectTag } from '../tally/books-objects';
import type { XmlNode } from '../tally/tally-xml';

/** One object of a snapshot as staged and imported (always `Create`: Tally alters an existing GUID). */
export interface SnapshotObject {
  tag: ObjectTag;
  guid: string;
  alterId: number;
  node: XmlNode;
}

/**
 * Cuts a stream of objects (already in import order: masters parents first, then vouchers) into chunks of at
 * most `size` objects. A chunk never mixes masters and vouchers, so each is one Import request of one kind.
 */
export class Chunker {
  private current: SnapshotObject[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error('a snapshot chunk holds at least one object');
  }

  /** The chunks completed by adding these objects. */
  add(objects: readonly SnapshotObject[]): SnapshotObject[][] {
    const done: SnapshotObject[][] = [];
    for (const o of objects) {
      const last = this.current[this.current.length - 1];
      if (last && (last.tag === 'VOUCHER') !== (o.tag === 'VOUCHER')) done.push(this.take());
      this.current.push(o);
      if (this.current.length >= this.size) done.push(this.take());
    }
    return done;
  }

  /** The last, partly filled chunk (none when empty). */
  flush(): SnapshotObject[][] {
    return this.current.length ? [this.take()] : [];
  }

  private take(): SnapshotObject[] {
    const chunk = this.current;
    this.current = [];
    return chunk;
  }
}

/** A staged chunk's progress as the snapshot table records it. */
export interface ChunkProgress {
  index: number;
  /** Times an attempt started importing it (before the import, so a kill mid-import counts). */
  sent: number;
  acknowledged: boolean;
}

export interface ResumePlan {
  /** Chunks to send, in order: every chunk not acknowledged yet. */
  toSend: number[];
  /** Of those, the ones an earlier attempt sent without recording the acknowledgement (they go again). */
  resent: number[];
  /** The first chunk this attempt sends (= the number of chunks acknowledged before it, chunks going in order). */
  resumedFrom: number;
}

/**
 * Where a (retried) snapshot goes on: never an acknowledged chunk again; from the first one not acknowledged.
 * Chunks are acknowledged strictly in order, so acknowledged ones form a prefix.
 */
export function resumePlan(chunks: readonly ChunkProgress[]): ResumePlan {
  const ordered = [...chunks].sort((a, b) => a.index - b.index);
  const toSend = ordered.filter((c) => !c.acknowledged);
  return {
    toSend: toSend.map((c) => c.index),
    resent: toSend.filter((c) => c.sent > 0).map((c) => c.index),
    resumedFrom: toSend.length ? toSend[0].index : ordered.length,
  };
}

/**
 * The watermark a class's receive side gets from a snapshot: the sender's top ALTERID read at its start, or
 * just below the oldest object of that class the receiver refused (so the next incremental run tries it again).
 */
export function snapshotWatermark(top: number, oldestFailed: number | null): number {
  return oldestFailed === null ? top : Math.max(0, Math.min(top, oldestFailed - 1));
}
