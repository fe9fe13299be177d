import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { ApiKeyEntity } from '../firms/api-key.entity';
import { apiKeyPrefix, hashMatches, sameSecret } from './api-key';
import type { Principal } from './principal';

/** Don't write `last_used_at` on every request; a minute's precision is enough to spot unused keys. */
const LAST_USED_PRECISION_MS = 60_000;

@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
  ) {}

  /** The principal a presented key stands for, or null when it is unknown or revoked. */
  async authenticate(token: string, now = new Date()): Promise<Principal | null> {
    if (sameSecret(token, this.config.PLATFORM_API_KEY)) return { kind: 'platform' };
    const prefix = apiKeyPrefix(token);
    if (!prefix) return null;
    const candidates = await this.keys.find({ where: { prefix, revokedAt: IsNull() } });
    const key = candidates.find((k) => hashMatches(token, k.keyHash));
    if (!key) return null;
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
      await this.keys.update({ id: key.id }, { lastUsedAt: now });
    }
    return { kind: 'firm', firmId: key.firmId, role: key.role, keyId: key.id };
  }
}
