/** What a request with an Idempotency-Key finds when the key's row already exists. */
export interface ExistingClaim {
  fingerprint: string;
  responseStatus: number | null;
  responseBody: string | null;
  /** The liveness identity of the gateway process handling it (null: a row from before owners were kept). */
  owner: string | null;
}

export type ClaimDecision =
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }
  /** In progress under a process that is gone (SIGKILLed mid-request): the request may take the key over. */
  | { kind: 'take-over'; from: string | null };

/**
 * Decides what the same key again means. `ownerAlive` says whether the holder's process is still alive; it is
 * only asked for a matching request still in progress (a row from before owners were kept counts as dead).
 */
export async function decideClaim(
  existing: ExistingClaim,
  fingerprint: string,
  ownerAlive: (owner: string) => Promise<boolean>,
): Promise<ClaimDecision> {
  if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (existing.responseStatus !== null && existing.responseBody !== null) {
    return {
      kind: 'replay',
      status: existing.responseStatus,
      body: JSON.parse(existing.responseBody) as unknown,
    };
  }
  if (existing.owner !== null && (await ownerAlive(existing.owner))) return { kind: 'in-progress' };
  return { kind: 'take-over', from: existing.owner };
}
