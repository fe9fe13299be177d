import type { ApiKeyRole } from './api-key';

/**
 * Who is calling: the platform operator (manages firms), a firm's API key, or a firm's user signed in to the
 * console (then `userId` and `sessionId` are set and `keyId` is `user:<id>`, the rate limiter's key).
 */
export type Principal =
  | { kind: 'platform' }
  | { kind: 'firm'; firmId: string; role: ApiKeyRole; keyId: string; userId?: string; sessionId?: string };

export type FirmPrincipal = Extract<Principal, { kind: 'firm' }>;

export interface AuthenticatedRequest {
  principal?: Principal;
}
