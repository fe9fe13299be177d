import { createHash, randomBytes, timingSafeEqual } from 'crypto';

export const ApiKeyRoles = ['admin', 'operator', 'viewer'] as const;
export type ApiKeyRole = (typeof ApiKeyRoles)[number];

const KEY_PATTERN = /^psk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  /** Shown to the caller once, never stored. */
  key: string;
  /** Stored in clear to find the row without scanning every hash. */
  prefix: string;
  /** SHA-256 of the whole key, hex. */
  hash: string;
}

/** `psk_<12 hex lookup prefix>_<32 random bytes, base64url>`: 256 bits of secret, greppable in leaks. */
export function generateApiKey(random: (size: number) => Buffer = randomBytes): GeneratedApiKey {
  const prefix = random(6).toString('hex');
  const secret = random(32).toString('base64url');
  const key = `psk_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The lookup prefix of a well-formed key, or null when the string cannot be one of ours. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares digests in constant time, so response timing does not reveal how much of a key matched. */
export function sameSecret(candidate: string, expected: string): boolean {
  const a = createHash('sha256').update(candidate, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function hashMatches(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads `Authorization: Bearer <key>`; null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
