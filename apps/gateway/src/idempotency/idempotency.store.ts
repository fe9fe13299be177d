import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

const SWEEP_INTERVAL_MS = 10 * 60_000;

/** Idempotency keys in the gateway schema; a key is claimed by inserting its row, so only one request wins. */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencyStore');
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly rows: Repository<IdempotencyKeyEntity>,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    // An expired key is as good as new: drop it before trying to claim it.
    await this.rows.query(
      'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at < now()',
      [scope, key],
    );
    const inserted: unknown[] = await this.rows.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4))
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, fingerprint, this.config.IDEMPOTENCY_TTL_HOURS],
    );
    if (inserted.length > 0) return { kind: 'claimed' };
    const existing = await this.rows.findOneBy({ scope, key });
    // Released between our insert and read: the caller may simply retry.
    if (!existing) return { kind: 'in-progress' };
    if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (existing.responseStatus === null || existing.responseBody === null) return { kind: 'in-progress' };
    return {
      kind: 'replay',
      status: existing.responseStatus,
      body: JSON.parse(existing.responseBody) as unknown,
    };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.rows.update(
      { scope, key },
      { responseStatus: status, responseBody: JSON.stringify(body ?? null) },
    );
  }

  /** A failed request leaves nothing behind, so the same key can be retried once the problem is fixed. */
  async release(scope: string, key: string): Promise<void> {
    await this.rows.delete({ scope, key });
  }

  private async sweep(): Promise<void> {
    try {
      await this.rows.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
    } catch (e) {
      this.logger.warn({ msg: 'could not delete expired idempotency keys', err: e });
    }
  }
}
