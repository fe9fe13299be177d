import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** Hashes and checks passwords; an interface so unit tests can use a cheap stand-in. */
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<boolean>;
}

/**
 * argon2id (RFC 9106) with the `argon2` library's defaults (64 MiB, 3 passes, 4 lanes), which meet OWASP's
 * minimum; the parameters travel in the PHC string, so raising them later keeps old hashes verifiable.
 */
@Injectable()
export class Argon2PasswordHasher extends PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash is a failed sign-in, not a 500.
      return false;
    }
  }
}
