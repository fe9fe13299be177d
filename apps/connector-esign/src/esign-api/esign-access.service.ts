import type { AccessStatus, AccessStore, ConnectorMetrics } from '@practice-sync/connector-kit';
import { PortalError } from '@practice-sync/connector-kit';

interface EsignSecret {
  apiKey: string;
}

/** The identifier the firm's e-sign account is stored under. */
export const ESIGN_ACCOUNT = 'account';

/**
 * The firm's e-sign portal account (an API key, stored encrypted). A refused key marks the account
 * `failed`: jobs then end `auth_failed` without calling the portal until a person stores a new key.
 */
export class EsignAccessService {
  constructor(
    private readonly access: AccessStore,
    private readonly metrics: ConnectorMetrics,
    private readonly requireCredentials: boolean,
  ) {}

  put(firmId: string, apiKey: string): Promise<AccessStatus> {
    return this.access.put<EsignSecret, never>(firmId, 'esign', ESIGN_ACCOUNT, {
      secret: { apiKey },
      session: null,
      status: 'ok',
      detail: null,
      expiresAt: null,
    });
  }

  /** Headers for a job's calls; throws credentials_missing / auth_failed without calling the portal. */
  async headersFor(firmId: string): Promise<Record<string, string>> {
    const row = await this.access.get<EsignSecret, never>(firmId, 'esign', ESIGN_ACCOUNT);
    if (!row?.secret) {
      if (!this.requireCredentials) return {};
      this.metrics.session('missing');
      throw new PortalError(
        'credentials_missing',
        "no e-sign portal account is stored for the firm: PUT /v1/credentials/esign with the firm's API key",
      );
    }
    if (row.status === 'failed') {
      throw new PortalError(
        'auth_failed',
        `the e-sign portal refused the firm's API key (${row.detail ?? ''}); store a new one`,
      );
    }
    return { 'X-Api-Key': row.secret.apiKey };
  }

  async refused(firmId: string, status: number): Promise<never> {
    this.metrics.session('lapsed');
    await this.access.put(firmId, 'esign', ESIGN_ACCOUNT, {
      status: 'failed',
      detail: `the portal answered HTTP ${status} to the API key`,
    });
    throw new PortalError(
      'auth_failed',
      `the e-sign portal refused the firm's API key (HTTP ${status}); store a new one`,
    );
  }
}
