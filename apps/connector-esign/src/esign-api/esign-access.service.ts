import type {
  AccessStatus,
  AccessStore,
  ConnectorMetrics,
  PortalHttpClient,
} from '@practice-sync/connector-kit';
import { PortalError, PortalSessionClient } from '@practice-sync/connector-kit';

interface EsignSecret {
  apiKey: string;
}

/** The identifier the firm's e-sign account is stored under. */
export const ESIGN_ACCOUNT = 'account';

/**
 * The firm's e-sign portal account (an API key, stored encrypted). A refused key marks the account
 * `failed`: jobs then end `auth_failed` without calling the portal until a person stores a new key.
 */
export class EsignAccessService extends PortalSessionClient<EsignSecret, never> {
  constructor(
    http: PortalHttpClient,
    access: AccessStore,
    metrics: ConnectorMetrics,
    requireCredentials: boolean,
  ) {
    super(http, access, metrics, { portal: 'esign', requireCredentials });
  }

  put(firmId: string, apiKey: string): Promise<AccessStatus> {
    return this.save(firmId, ESIGN_ACCOUNT, {
      secret: { apiKey },
      session: null,
      status: 'ok',
      detail: null,
      expiresAt: null,
    });
  }

  /** Headers for a job's calls; throws credentials_missing / auth_failed without calling the portal. */
  async headersFor(firmId: string): Promise<Record<string, string>> {
    const row = await this.storedForJob(firmId, ESIGN_ACCOUNT);
    if (!row?.secret) {
      this.accessMissing(
        "no e-sign portal account is stored for the firm: PUT /v1/credentials/esign with the firm's API key",
      );
      return {};
    }
    if (row.status === 'failed') {
      throw new PortalError(
        'auth_failed',
        `the e-sign portal refused the firm's API key (${row.detail ?? ''}); store a new one`,
      );
    }
    return { 'X-Api-Key': row.secret.apiKey };
  }

  refused(firmId: string, status: number): Promise<never> {
    return this.lapse(
      firmId,
      ESIGN_ACCOUNT,
      { status: 'failed', detail: `the portal answered HTTP ${status} to the API key` },
      new PortalError(
        'auth_failed',
        `the e-sign portal refused the firm's API key (HTTP ${status}); store a new one`,
      ),
    );
  }
}
