import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isProcessAlive, ProcessLiveness } from '@practice-sync/messaging';
import { Repository } from 'typeorm';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';
import { decideClaim } from './claim-decision';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

export type Claim =
  /** This request holds the key under `owner` (this process's liveness identity when it claimed). */
  | { kind: 'claimed'; owner: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Idempotency keys in the gateway schema; a key is claimed by inserting its row, so only one request wins. The
 * row names its holder (this process's `ProcessLiveness` identity): a key left in progress by a gateway that
 * died mid-request is taken over by the next matching request instead of answering 409 until it expires.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('IdempotencyStore');
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectRepository(IdempotencyKeyEntity) private readonly rows: Repository<IdempotencyKeyEntity>,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly liveness: ProcessLiveness,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.liveness.start();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await this.liveness.stop();
  }

  async claim(scope: string, key: string, fingerprint: string): Promise<Claim> {
    const owner = await this.liveness.ensure();
    // An expired key is as good as new: drop it before trying to claim it.
    await this.rows.query(
      'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at < now()',
      [scope, key],
    );
    const inserted: unknown[] = await this.rows.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, owner, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5))
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, fingerprint, owner, this.config.IDEMPOTENCY_TTL_HOURS],
    );
    if (inserted.length > 0) return { kind: 'claimed', owner };
    const existing = await this.rows.findOneBy({ scope, key });
    // Released between our insert and read: the caller may simply retry.
    if (!existing) return { kind: 'in-progress' };
    const decision = await decideClaim(existing, fingerprint, (id) => isProcessAlive(this.rows, id));
    if (decision.kind !== 'take-over') return decision;
    // Only one request takes a dead holder's key over: the one whose update still finds that holder.
    const taken: unknown = await this.rows.query(
      `UPDATE idempotency_keys SET owner = $3
        WHERE scope = $1 AND key = $2 AND fingerprint = $4 AND response_status IS NULL
          AND owner IS NOT DISTINCT FROM $5
        RETURNING key`,
      [scope, key, owner, fingerprint, decision.from],
    );
    if (updatedRows(taken) === 0) return { kind: 'in-progress' };
    this.logger.warn({ msg: 'took over an idempotency key left in progress by a gone process', scope });
    return { kind: 'claimed', owner };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.rows.update(
      { scope, key },
      { responseStatus: status, responseBody: JSON.stringify(body ?? null) },
    );
  }

  /**
   * A failed request leaves nothing behind, so the same key can be retried once the problem is fixed; only the
   * holder's row goes (a request whose key was taken over meanwhile leaves the new holder's alone).
   */
  async release(scope: string, key: string, owner: string): Promise<void> {
    await this.rows.delete({ scope, key, owner });
  }

  private async sweep(): Promise<void> {
    try {
      await this.rows.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
    } catch (e) {
      this.logger.warn({ msg: 'could not delete expired idempotency keys', err: e });
    }
  }
}

/** node-postgres answers UPDATE … RETURNING through TypeORM as [rows, count]. */
function updatedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
