import { createHash, randomBytes, timingSafeEqual } from 'crypto';

/** 32 random bytes, base64url: session tokens, CSRF tokens and invitation tokens. */
export function newToken(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

/** SHA-256, hex: what the database keeps of a token (a leaked table opens no session). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` hashes to `hash`, compared in constant time. */
export function tokenMatches(token: string, hash: string): boolean {
  const a = Buffer.from(tokenHash(token), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Lower-cased and trimmed: the form an email is stored and looked up in. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
