import type { PortalError } from '@practice-sync/connector-kit';
import { toPortalError } from '@practice-sync/connector-kit';
import type { BooksCategory } from '@practice-sync/contracts';
import { DomainException, NotFoundProblem, ValidationProblem } from '@practice-sync/problems';

import { isAbsentOnDelete, objectResults } from '../sync/object-results';
import type { ObjectTag } from '../tally/books-objects';
import type { BooksServer, BooksServerClient } from '../tally/books-server.client';
import type { XmlNode } from '../tally/tally-xml';
import type { CurrentVersion, Side } from './conflict-detection';
import type { ConflictRow, ConflictsStore } from './conflicts-store';
import { checkMergedBody } from './merged-body';
import { contentHash, fieldsOf, nodeOf } from './object-version';

export type Resolution = { keep: Side } | { body: unknown };

/** A conflict as the firm reads it: both versions in Tally's field names (served only to the firm's own keys). */
export function conflictView(c: ConflictRow) {
  const tag = c.type as ObjectTag;
  const side = (s: ConflictRow['client']) => ({
    companyId: s.companyId,
    alterId: s.alterId,
    /** That end deleted the object (its ALTERID is the deletion's). */
    deleted: s.node === null,
    fields: s.node === null ? null : fieldsOf(tag, s.node),
  });
  return {
    id: c.id,
    linkId: c.linkId,
    guid: c.guid,
    type: c.type,
    class: c.cls,
    status: c.status,
    client: side(c.client),
    server: side(c.server),
    detectedAt: c.detectedAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    resolution: c.resolution,
    resolvedBy: c.resolvedBy,
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
  };
}

export type ConflictView = ReturnType<typeof conflictView>;

const SIDES: readonly Side[] = ['client', 'server'];
/** How long one resolution may wait for a books server (each request also has the kit's timeout). */
const RESOLVE_TIMEOUT_MS = 60_000;

/**
 * Applies a person's decision to both ends: the kept version (or the merged body, checked against the type)
 * imported by GUID (`Create` alters what the books hold: a rename stays one object) into the client's and the
 * server's books, then, in the same transaction that holds the conflict's row, the new sync base (so the next
 * run sees no change and no echo) and the conflict resolved with who and when. Both books servers are asked
 * before anything is imported; one that does not answer is a 503 and nothing is recorded.
 */
export class ConflictResolver {
  constructor(
    private readonly store: ConflictsStore,
    private readonly client: BooksServerClient,
  ) {}

  async get(firmId: string, id: string): Promise<ConflictView> {
    const found = await this.store.get(firmId, id);
    if (!found) throw new NotFoundProblem(`No conflict ${id} in this firm.`, 'Conflict not found');
    return conflictView(found);
  }

  async resolve(firmId: string, id: string, resolution: Resolution, by: string): Promise<ConflictView> {
    return this.store.transaction(async (manager) => {
      const conflict = await this.store.get(firmId, id, manager);
      if (!conflict) throw new NotFoundProblem(`No conflict ${id} in this firm.`, 'Conflict not found');
      if (conflict.status === 'resolved') throw alreadyResolved(conflict);
      const tag = conflict.type as ObjectTag;
      let node: XmlNode | null;
      if ('keep' in resolution) {
        node = conflict[resolution.keep].node;
      } else {
        const checked = checkMergedBody(tag, resolution.body);
        if (!checked.ok)
          throw new ValidationProblem(checked.errors, undefined, 'The merged body is not valid');
        node = nodeOf(tag, conflict.guid, checked.fields);
      }
      const category: BooksCategory = conflict.cls === 'masters' ? 'books.masters' : 'books.transactions';
      const signal = AbortSignal.timeout(RESOLVE_TIMEOUT_MS);
      const before: Record<Side, number> = { client: 0, server: 0 };
      for (const side of SIDES) {
        before[side] = await this.reach(conflict[side], category, signal, () =>
          this.client.lastAlterId(conflict[side], category, signal),
        );
      }
      // Keeping a deletion deletes it at both ends (where it is gone already, Tally answers it unchanged).
      const object =
        node === null
          ? { tag, node: { GUID: conflict.guid }, action: 'Delete' as const }
          : { tag, node, action: 'Create' as const };
      for (const side of SIDES) {
        const response = await this.reach(conflict[side], category, signal, () =>
          this.client.import(conflict[side], category, [object], signal),
        );
        const [result] = objectResults([conflict.guid], response) ?? [
          response.errors ? { ok: false as const, message: 'refused' } : { ok: true as const },
        ];
        const gone = !result.ok && object.action === 'Delete' && isAbsentOnDelete(result.message);
        if (!result.ok && !gone) throw refused(conflict, side, result.message, side === 'server');
      }
      const at = new Date();
      const kind = 'keep' in resolution ? resolution.keep : 'body';
      if (node === null) {
        await this.store.dropBases(manager, conflict.linkId, [conflict.guid]);
        await this.store.markResolved(manager, conflict.id, kind, by, at);
        return conflictView({
          ...conflict,
          status: 'resolved',
          resolution: kind,
          resolvedBy: by,
          resolvedAt: at,
          updatedAt: at,
        });
      }
      // The base: the client's copy as it now reads, and per end the ALTERID the import gave the copy there
      // when it reads so (a later rename of a master it names changes how it reads, not its ALTERID), else the
      // counter before the import. The server's copy only sharpens its threshold: not read, that counter stands.
      const read = (side: Side) =>
        this.readBack(conflict[side], category, tag, conflict.guid, before[side], signal);
      const copies: Record<Side, CurrentVersion | null> = {
        client: await read('client'),
        server: await read('server').catch(() => null),
      };
      const hash = copies.client?.hash ?? contentHash(node);
      const alterIdAt = (side: Side): number =>
        copies[side]?.hash === hash ? (copies[side] as CurrentVersion).alterId : before[side];
      await this.store.saveBases(
        manager,
        conflict.linkId,
        new Map([
          [
            conflict.guid,
            {
              type: tag,
              base: {
                hash,
                clientAlterId: alterIdAt('client'),
                serverAlterId: alterIdAt('server'),
              },
            },
          ],
        ]),
        at,
      );
      await this.store.markResolved(manager, conflict.id, kind, by, at);
      return conflictView({
        ...conflict,
        status: 'resolved',
        resolution: kind,
        resolvedBy: by,
        resolvedAt: at,
        updatedAt: at,
      });
    });
  }

  /** The object as a company's books now hold it (its own rendering), when the import changed it. */
  private async readBack(
    server: BooksServer,
    category: BooksCategory,
    tag: ObjectTag,
    guid: string,
    after: number,
    signal: AbortSignal,
  ): Promise<CurrentVersion | null> {
    const objects = await this.reach(server, category, signal, async () => {
      const top = await this.client.lastAlterId(server, category, signal);
      if (top <= after) return [];
      const type = tag === 'VOUCHER' ? 'Voucher' : 'All Masters';
      return this.client.changed(server, category, type, { after, upTo: top }, signal);
    });
    const found = objects.find((o) => o.guid === guid);
    return found ? { alterId: found.alterId, hash: contentHash(found.node) } : null;
  }

  private async reach<T>(
    server: BooksServer,
    category: BooksCategory,
    signal: AbortSignal,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw unreachable(server, toPortalError(error));
    }
  }
}

function alreadyResolved(c: ConflictRow): DomainException<string> {
  return new DomainException({
    code: 'conflict-already-resolved',
    status: 409,
    title: 'The conflict is already resolved',
    detail:
      `Conflict ${c.id} was resolved (${c.resolution === 'body' ? 'merged body' : `kept ${c.resolution}`}) by ` +
      `${c.resolvedBy} at ${c.resolvedAt?.toISOString()}; nothing was applied again. If the object changed at ` +
      'both ends since, the next run queues a new conflict.',
    extras: {
      conflictId: c.id,
      resolution: c.resolution,
      resolvedBy: c.resolvedBy,
      resolvedAt: c.resolvedAt?.toISOString() ?? null,
    },
  });
}

function unreachable(server: BooksServer, error: PortalError): DomainException<string> {
  const answered = error.code === 'invalid_response';
  return new DomainException({
    code: answered ? 'books-invalid-response' : 'books-unreachable',
    status: answered ? 502 : 503,
    title: answered
      ? "A books server answered something that is not Tally's XML"
      : 'A books server could not be reached',
    detail:
      `The books server of company ${server.companyId} ${answered ? 'did not answer as Tally does' : 'did not answer'} ` +
      `(${error.code}). The conflict stays open and nothing was recorded as resolved; resolve it again once ` +
      'both companies’ books servers are reachable (an end that already took the resolution answers it unchanged).',
    headers: answered ? {} : { 'Retry-After': '30' },
    extras: { companyId: server.companyId },
  });
}

function refused(c: ConflictRow, side: Side, message: string, partly: boolean): DomainException<string> {
  return new DomainException({
    code: 'books-refused-resolution',
    status: 422,
    title: 'The books refused the resolution',
    detail:
      `The ${side} company's books (${c[side].companyId}) refused the object: ${message}. The conflict stays ` +
      `open${partly ? ' (the client company already holds the resolution; resolving again re-sends it)' : ''}.`,
    extras: { companyId: c[side].companyId, side },
  });
}
