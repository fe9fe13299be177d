import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { ApiKeyEntity } from '../firms/api-key.entity';
import { apiKeyPrefix, hashApiKey, hashMatches, sameSecret } from './api-key';
import type { CachedKey } from './api-key-cache';
import { ApiKeyCache } from './api-key-cache';
import type { Principal } from './principal';

/** Don't write `last_used_at` on every request; a minute's precision is enough to spot unused keys. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * Checks a presented API key against PostgreSQL, then trusts it for API_KEY_CACHE_SECONDS (ApiKeyCache): a
 * firm polling a run would otherwise pay a key lookup on every request.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly cache: ApiKeyCache;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
  ) {
    this.cache = new ApiKeyCache((config.API_KEY_CACHE_SECONDS ?? 0) * 1000);
  }

  /** The principal a presented key stands for, or null when it is unknown or revoked. */
  async authenticate(token: string, now = new Date()): Promise<Principal | null> {
    if (sameSecret(token, this.config.PLATFORM_API_KEY)) return { kind: 'platform' };
    const prefix = apiKeyPrefix(token);
    if (!prefix) return null;
    const hash = hashApiKey(token);
    const cached = this.cache.get(hash, now.getTime());
    if (cached) {
      await this.recordUse(cached, now);
      return { ...cached.principal };
    }
    const since = this.cache.begin();
    const candidates = await this.keys.find({ where: { prefix, revokedAt: IsNull() } });
    const key = candidates.find((k) => hashMatches(token, k.keyHash));
    if (!key) return null;
    const checked: CachedKey = {
      principal: { kind: 'firm', firmId: key.firmId, role: key.role, keyId: key.id },
      lastUsedAt: key.lastUsedAt?.getTime() ?? null,
    };
    await this.recordUse(checked, now);
    this.cache.set(hash, checked, now.getTime(), since);
    return { ...checked.principal };
  }

  /** The key was just revoked through this gateway: refuse it from the next request on. */
  forget(keyId: string): void {
    this.cache.forget(keyId);
  }

  private async recordUse(key: CachedKey, now: Date): Promise<void> {
    if (key.lastUsedAt !== null && now.getTime() - key.lastUsedAt <= LAST_USED_PRECISION_MS) return;
    key.lastUsedAt = now.getTime();
    await this.keys.update({ id: key.principal.keyId }, { lastUsedAt: now });
  }
}
