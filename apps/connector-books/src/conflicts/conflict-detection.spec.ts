import type { SyncBase } from './conflict-detection';
import {
  judge,
  judgeDeletion,
  needsReceiver,
  receiverMark,
  receiverOf,
  receiverSince,
  senderOf,
} from './conflict-detection';

const base: SyncBase = { hash: 'synced', clientAlterId: 100, serverAlterId: 200 };

describe('conflict detection (per link and GUID, since the last sync)', () => {
  it('names the ends of each direction', () => {
    expect([senderOf('send'), receiverOf('send')]).toEqual(['client', 'server']);
    expect([senderOf('receive'), receiverOf('receive')]).toEqual(['server', 'client']);
  });

  it('changed at the sender only: applied', () => {
    expect(
      judge({
        senderHash: 'new',
        base,
        queued: false,
        receiver: { alterId: 200, hash: 'synced' },
        since: 200,
      }),
    ).toBe('apply');
    // The receiver's ALTERID grew (our own import's echo, or another link's) but its content is the synced one.
    expect(
      judge({
        senderHash: 'new',
        base,
        queued: false,
        receiver: { alterId: 250, hash: 'synced' },
        since: 200,
      }),
    ).toBe('apply');
  });

  it('altered at both ends since the last sync: a conflict, whichever end is the sender', () => {
    expect(
      judge({
        senderHash: 'ho',
        base,
        queued: false,
        receiver: { alterId: 260, hash: 'branch' },
        since: 200,
      }),
    ).toBe('conflict');
    expect(
      judge({
        senderHash: 'branch',
        base,
        queued: false,
        receiver: { alterId: 101, hash: 'ho' },
        since: receiverSince(base, 'client', null),
      }),
    ).toBe('conflict');
  });

  it('both ends made the same change: applied (the receiver answers it unchanged)', () => {
    expect(
      judge({
        senderHash: 'same',
        base,
        queued: false,
        receiver: { alterId: 260, hash: 'same' },
        since: 200,
      }),
    ).toBe('apply');
  });

  it('the echo of our own import (content as synced, a new ALTERID at the sender) is unchanged, never sent back', () => {
    expect(needsReceiver('synced', base, false)).toBe(false);
    expect(judge({ senderHash: 'synced', base, queued: false, receiver: undefined, since: null })).toBe(
      'unchanged',
    );
  });

  it('a rename is a change of the same GUID: it conflicts with an alteration at the other end', () => {
    // The rename only changes the name (content hash) of the object the base knows by GUID.
    expect(
      judge({
        senderHash: 'renamed',
        base,
        queued: false,
        receiver: { alterId: 205, hash: 'balance altered' },
        since: 200,
      }),
    ).toBe('conflict');
  });

  it('an object waiting in the queue stays frozen: every newer version refreshes it, none is applied', () => {
    expect(needsReceiver('newer', base, true)).toBe(false);
    expect(judge({ senderHash: 'newer', base, queued: true, receiver: undefined, since: null })).toBe(
      'conflict',
    );
    expect(judge({ senderHash: 'synced', base, queued: true, receiver: undefined, since: null })).toBe(
      'conflict',
    );
  });

  it('the receiver lacks the object (new, or deleted there): applied', () => {
    expect(judge({ senderHash: 'new', base, queued: false, receiver: undefined, since: 200 })).toBe('apply');
    expect(judge({ senderHash: 'new', base: undefined, queued: false, receiver: undefined, since: 0 })).toBe(
      'apply',
    );
  });

  it('never synced by the link: compared from the opposite direction’s watermark, else applied as before', () => {
    expect(receiverSince(undefined, 'server', 500)).toBe(500);
    expect(receiverSince(undefined, 'server', null)).toBeNull();
    expect(receiverSince(base, 'server', 500)).toBe(200);
    // Changed at the receiver after what the opposite direction has sent: both ends changed it.
    expect(
      judge({
        senderHash: 'ho',
        base: undefined,
        queued: false,
        receiver: { alterId: 510, hash: 'br' },
        since: 500,
      }),
    ).toBe('conflict');
    // Not changed there since (a snapshot, part 1): applied.
    expect(
      judge({
        senderHash: 'ho',
        base: undefined,
        queued: false,
        receiver: { alterId: 480, hash: 'br' },
        since: 500,
      }),
    ).toBe('apply');
    // No opposite direction: nothing to compare with, applied as part 1 did.
    expect(
      judge({
        senderHash: 'ho',
        base: undefined,
        queued: false,
        receiver: { alterId: 480, hash: 'br' },
        since: null,
      }),
    ).toBe('apply');
  });

  it('a deletion of what the receiver altered since the last sync is queued; otherwise it is applied', () => {
    const altered = { alterId: 260, hash: 'branch edit' };
    expect(judgeDeletion({ base, queued: false, receiver: altered, since: 200 })).toBe('conflict');
    expect(
      judgeDeletion({ base, queued: false, receiver: { alterId: 260, hash: 'synced' }, since: 200 }),
    ).toBe('apply');
    expect(judgeDeletion({ base, queued: false, receiver: { alterId: 150, hash: 'x' }, since: 200 })).toBe(
      'apply',
    );
    expect(judgeDeletion({ base, queued: false, receiver: undefined, since: 200 })).toBe('apply');
    expect(judgeDeletion({ base: undefined, queued: false, receiver: altered, since: null })).toBe('apply');
    expect(judgeDeletion({ base, queued: true, receiver: undefined, since: null })).toBe('conflict');
  });

  it('a copy that only reads differently (a master it names renamed there, its ALTERID not above the base) was not altered: alter and delete apply', () => {
    // The HO's copy was last given ALTERID 200 by our import; the rename of a ledger it names changed its
    // content, not its ALTERID.
    const renamedOnly = { alterId: 200, hash: 'names the renamed ledger' };
    expect(judge({ senderHash: 'branch edit', base, queued: false, receiver: renamedOnly, since: 200 })).toBe(
      'apply',
    );
    expect(judgeDeletion({ base, queued: false, receiver: renamedOnly, since: 200 })).toBe('apply');
    // Edited there as well (its own ALTERID above the base): still a conflict for both.
    const edited = { alterId: 201, hash: 'HO edit' };
    expect(judge({ senderHash: 'branch edit', base, queued: false, receiver: edited, since: 200 })).toBe(
      'conflict',
    );
    expect(judgeDeletion({ base, queued: false, receiver: edited, since: 200 })).toBe('conflict');
  });

  it("records the receiver's ALTERID our import gave: the counter after a batch that alone moved it, else the object's read back", () => {
    const quiet = { before: 100, after: 103, given: 3 };
    expect(receiverMark(quiet, 'sent', undefined)).toBe(103);
    // Another import (or a person) took ALTERIDs during the batch: the object's own, if it holds what we sent.
    const busy = { before: 100, after: 110, given: 3 };
    expect(receiverMark(busy, 'sent', { alterId: 104, hash: 'sent' })).toBe(104);
    // Altered there right after our import, or not read back: the counter before (content decides later).
    expect(receiverMark(busy, 'sent', { alterId: 109, hash: 'their edit' })).toBe(100);
    expect(receiverMark(busy, 'sent', undefined)).toBe(100);
    expect(receiverMark({ before: 100, after: null, given: 3 }, 'sent', undefined)).toBe(100);
  });
});
