import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundProblem, ValidationProblem } from '@practice-sync/problems';
import { isUUID } from 'class-validator';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { ApiKeyRole } from '../auth/api-key';
import { generateApiKey } from '../auth/api-key';
import { ApiKeyAuthenticator } from '../auth/api-key-authenticator.service';
import type { Principal } from '../auth/principal';
import { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyListResponseDto, ApiKeyResponseDto, CreatedApiKeyResponseDto } from './dto/api-key.dto';
import type { FirmResponseDto } from './dto/create-firm-request.dto';
import { FirmEntity } from './firm.entity';

@Injectable()
export class FirmsService {
  constructor(
    @InjectRepository(FirmEntity) private readonly firms: Repository<FirmEntity>,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async createFirm(name: string): Promise<FirmResponseDto> {
    const firm = await this.firms.save(this.firms.create({ id: uuidv7(), name, createdAt: new Date() }));
    return { id: firm.id, name: firm.name };
  }

  /** 404 unless the firm exists and the caller is the platform or a key of that firm (no existence leaks). */
  async assertReachable(principal: Principal, firmId: string): Promise<void> {
    const visible = principal.kind === 'platform' || principal.firmId === firmId;
    if (!visible || !(await this.firms.existsBy({ id: firmId }))) {
      throw new NotFoundProblem(`There is no firm ${firmId}.`);
    }
  }

  async createKey(firmId: string, name: string, role: ApiKeyRole): Promise<CreatedApiKeyResponseDto> {
    const generated = generateApiKey();
    const entity = this.keys.create({
      id: uuidv7(),
      firmId,
      name,
      role,
      prefix: generated.prefix,
      keyHash: generated.hash,
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.keys.insert(entity);
    return { id: entity.id, key: generated.key, role };
  }

  /** Keyset pages by id (UUIDv7, so oldest first); the cursor is the last id of the previous page. */
  async listKeys(firmId: string, limit = 50, cursor?: string): Promise<ApiKeyListResponseDto> {
    if (cursor !== undefined && !isUUID(cursor)) {
      throw new ValidationProblem([{ field: 'cursor', message: 'is not a cursor this list gave out' }]);
    }
    const keys = await this.keys.find({
      where: { firmId, revokedAt: IsNull(), ...(cursor ? { id: MoreThan(cursor) } : {}) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
    const page = keys.slice(0, limit);
    return {
      items: page.map((k) => this.describe(k)),
      nextCursor: keys.length > limit ? page[page.length - 1].id : null,
    };
  }

  private describe(k: ApiKeyEntity): ApiKeyResponseDto {
    return {
      id: k.id,
      name: k.name,
      role: k.role,
      prefix: `psk_${k.prefix}`,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    };
  }

  async revokeKey(firmId: string, keyId: string): Promise<void> {
    const result = await this.keys.update(
      { id: keyId, firmId, revokedAt: IsNull() },
      { revokedAt: new Date() },
    );
    if (!result.affected) throw new NotFoundProblem(`There is no active API key ${keyId} in this firm.`);
    // This gateway refuses it from the next request on; the others once their cached check expires.
    this.authenticator.forget(keyId);
  }
}
