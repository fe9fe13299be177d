import { Inject, Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../config/gateway.config';

/** Hashes and checks passwords; an interface so unit tests can use a cheap stand-in. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<boolean>;
  /** Whether a stored hash was made with other parameters than today's (then it is rehashed at sign-in). */
  abstract needsRehash(hash: string): boolean;
}

export interface Argon2Cost {
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export function argon2CostOf(
  config: Pick<
    GatewayConfig,
    'PASSWORD_HASH_MEMORY_KIB' | 'PASSWORD_HASH_TIME_COST' | 'PASSWORD_HASH_PARALLELISM'
  >,
): Argon2Cost {
  return {
    memoryCost: config.PASSWORD_HASH_MEMORY_KIB,
    timeCost: config.PASSWORD_HASH_TIME_COST,
    parallelism: config.PASSWORD_HASH_PARALLELISM,
  };
}

/**
 * argon2id (RFC 9106). The cost is OWASP's Password Storage Cheat Sheet's first argon2id row by default:
 * m = 19 MiB, t = 2, p = 1. Why not the library's defaults (64 MiB, t = 3, p = 4): on this project's 2-core
 * machines a verify with those took ~1.2 s wall (~0.4 s CPU) under load, so a handful of sign-ins at 9 am, or a
 * burst of guesses the per-IP limit has not yet refused, ties up the gateway's libuv threads for seconds; the
 * OWASP row costs ~0.18 s wall (~66 ms CPU) here and is still memory-hard enough that OWASP rates it equivalent
 * to its other rows. p = 1 because each sign-in is one request: lanes would only spread one verify over cores
 * other requests need. The PHC string carries the parameters, so older hashes keep verifying, and `needsRehash`
 * lets a successful sign-in move them to today's (PASSWORD_HASH_* raise it later without a migration).
 */
@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  private readonly cost: Argon2Cost;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super();
    this.cost = argon2CostOf(config);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.cost });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash is a failed sign-in, not a 500.
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    try {
      // Also true for an argon2i/argon2d hash: argon2.needsRehash compares version and cost only.
      return !hash.startsWith('$argon2id$') || argon2.needsRehash(hash, this.cost);
    } catch {
      return false;
    }
  }
}
