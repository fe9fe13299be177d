import { createHash } from 'node:crypto';

/** SHA-256 hex: invoice `chksum` values and file hashes. */
export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
