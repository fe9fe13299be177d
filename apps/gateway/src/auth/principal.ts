import type { ApiKeyRole } from './api-key';

/** Who is calling: the platform operator (manages firms) or a firm's API key. */
export type Principal =
  | { kind: 'platform' }
  | { kind: 'firm'; firmId: string; role: ApiKeyRole; keyId: string };

export type FirmPrincipal = Extract<Principal, { kind: 'firm' }>;

export interface AuthenticatedRequest {
  principal?: Principal;
}
