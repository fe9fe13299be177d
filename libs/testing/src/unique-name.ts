import { randomBytes } from 'node:crypto';

/** `prefix` plus a short random lowercase suffix: safe for database, schema, topic and firm names. */
export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}
