import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';

import { tokenHash } from '../users/secrets';
import { SessionEntity } from '../users/session.entity';
import type { FirmPrincipal } from './principal';

export interface AuthenticatedSession {
  principal: FirmPrincipal;
  /** What the `X-CSRF-Token` of a write must hash to. */
  csrfHash: string;
}

/** Resolves a session cookie to the user it belongs to, while the session lasts. */
@Injectable()
export class SessionAuthenticator {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  async authenticate(token: string, now = new Date()): Promise<AuthenticatedSession | null> {
    if (token.length > 200) return null;
    const session = await this.sessions.findOne({
      where: { tokenHash: tokenHash(token), expiresAt: MoreThan(now) },
      relations: { user: true },
    });
    const user = session?.user;
    // A disabled user's sessions are deleted when disabled; this also covers a session opened a moment before.
    if (!session || !user || user.disabledAt) return null;
    return {
      principal: {
        kind: 'firm',
        firmId: user.firmId,
        role: user.role,
        // The rate limiter's budget is per caller: a person counts like one API key.
        keyId: `user:${user.id}`,
        userId: user.id,
        sessionId: session.id,
      },
      csrfHash: session.csrfHash,
    };
  }
}
