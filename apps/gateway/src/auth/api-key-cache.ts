import type { FirmPrincipal } from './principal';

export interface CachedKey {
  principal: FirmPrincipal;
  /** When the key was last recorded as used (ms), to write `last_used_at` at most once a minute. */
  lastUsedAt: number | null;
}

interface Entry extends CachedKey {
  expiresAt: number;
}

/**
 * API keys this gateway has checked recently, by the SHA-256 of the presented key (the key itself is never
 * held), each trusted for `ttlMs`. `forget(keyId)` drops a key at once (the replica that revokes it); other
 * replicas stop accepting it when their entry expires, so the TTL bounds how long a key revoked elsewhere
 * still works. Bounded: past `maxEntries` the oldest entry goes.
 */
export class ApiKeyCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashByKeyId = new Map<string, string>();
  /** Bumped by every `forget`: a lookup that began before it must not cache what it read. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** What to pass back to `set`: proves no revocation happened on this replica since the lookup began. */
  begin(): number {
    return this.generation;
  }

  get(hash: string, now: number): CachedKey | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt > now) return entry;
    this.delete(hash, entry.principal.keyId);
    return undefined;
  }

  set(hash: string, key: CachedKey, now: number, since: number): void {
    if (!this.enabled || since !== this.generation) return;
    if (!this.byHash.has(hash) && this.byHash.size >= this.maxEntries) {
      const oldest = this.byHash.entries().next().value;
      if (oldest) this.delete(oldest[0], oldest[1].principal.keyId);
    }
    this.byHash.set(hash, { ...key, expiresAt: now + this.ttlMs });
    this.hashByKeyId.set(key.principal.keyId, hash);
  }

  /** The key was revoked here: refuse it from the next request on. */
  forget(keyId: string): void {
    this.generation++;
    const hash = this.hashByKeyId.get(keyId);
    if (hash !== undefined) this.delete(hash, keyId);
  }

  get size(): number {
    return this.byHash.size;
  }

  private delete(hash: string, keyId: string): void {
    this.byHash.delete(hash);
    if (this.hashByKeyId.get(keyId) === hash) this.hashByKeyId.delete(keyId);
  }
}
