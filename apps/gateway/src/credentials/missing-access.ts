import type { AccessStatusDto } from './dto/access-status.dto';

/** A portal identifier of the firm's clients (from client-master). */
export interface FirmIdentifier {
  kind: 'gstin' | 'pan' | 'esignClientFileId';
  value: string;
  clientName: string;
}

/** The identifier the firm-wide ITR and e-sign accounts are stored under by their connectors. */
const ACCOUNT = 'account';

type Stored = Pick<AccessStatusDto, 'portal' | 'identifier'>;

function missing(
  portal: AccessStatusDto['portal'],
  identifier: string,
  errorCode: 'credentials_missing' | 'consent_required',
  detail: string,
  clientName: string | null,
): AccessStatusDto {
  return {
    portal,
    identifier,
    status: 'missing',
    errorCode,
    detail,
    clientName,
    expiresAt: null,
    updatedAt: null,
  };
}

/**
 * The firm's identifiers with no access at all, each saying the step that is missing (the same step a sync
 * job of that identifier names when it fails):
 * - a GSTIN with nothing stored: the portal username, then the OTP;
 * - without the firm's e-filing intermediary account: the account (listed once), and for every PAN the
 *   account then the taxpayer's consent; with the account, a PAN with no consent: `consent_required`;
 * - without the firm's e-sign account: the account (listed once), and every client file it would reach.
 */
export function missingAccess(
  identifiers: readonly FirmIdentifier[],
  stored: readonly Stored[],
): AccessStatusDto[] {
  const has = new Set(stored.map((s) => `${s.portal}|${s.identifier}`));
  const itrAccount = has.has(`itr|${ACCOUNT}`);
  const esignAccount = has.has(`esign|${ACCOUNT}`);
  const out: AccessStatusDto[] = [];
  for (const id of identifiers) {
    if (id.kind === 'gstin' && !has.has(`gst|${id.value}`)) {
      out.push(
        missing(
          'gst',
          id.value,
          'credentials_missing',
          `no GST portal access is stored for ${id.value}: PUT /v1/credentials/gst/${id.value} with the portal ` +
            `username, then POST /v1/credentials/gst/${id.value}/otp with the OTP the portal sends`,
          id.clientName,
        ),
      );
    } else if (id.kind === 'pan' && !has.has(`itr|${id.value}`)) {
      out.push(
        itrAccount
          ? missing(
              'itr',
              id.value,
              'consent_required',
              `the taxpayer ${id.value} has not given consent: POST /v1/credentials/itr/${id.value}/consent with ` +
                '{} to have the portal send them the e-filing OTP, then ask the taxpayer for it and POST it as ' +
                '{ "otp": "…" }',
              id.clientName,
            )
          : missing(
              'itr',
              id.value,
              'credentials_missing',
              'no e-filing intermediary account is stored for the firm: store it (PUT /v1/credentials/itr), then ' +
                `ask the taxpayer for the e-filing OTP and POST /v1/credentials/itr/${id.value}/consent`,
              id.clientName,
            ),
      );
    } else if (id.kind === 'esignClientFileId' && !esignAccount) {
      out.push(
        missing(
          'esign',
          id.value,
          'credentials_missing',
          `no e-sign portal account is stored for the firm, so client file ${id.value} cannot be synced: ` +
            "PUT /v1/credentials/esign with the firm's API key",
          id.clientName,
        ),
      );
    }
  }
  const needs = (kind: FirmIdentifier['kind']) => identifiers.some((i) => i.kind === kind);
  if (!itrAccount && needs('pan')) {
    out.push(
      missing(
        'itr',
        ACCOUNT,
        'credentials_missing',
        "the firm's e-filing intermediary account is not stored: PUT /v1/credentials/itr",
        null,
      ),
    );
  }
  if (!esignAccount && needs('esignClientFileId')) {
    out.push(
      missing(
        'esign',
        ACCOUNT,
        'credentials_missing',
        "the firm's e-sign portal account is not stored: PUT /v1/credentials/esign",
        null,
      ),
    );
  }
  return out;
}

/** The failure code a sync job of a stored identifier ends with now, from its access health. */
export function errorCodeOfStatus(status: AccessStatusDto['status']): string | null {
  if (status === 'otp_required') return 'otp_required';
  if (status === 'failed') return 'auth_failed';
  return null;
}

/**
 * The firm-wide accounts (e-filing intermediary, e-sign) out of the firm's access list, each once: its stored
 * health, or `missing` when the firm has not stored it (even when no client needs it yet).
 */
export function firmAccounts(all: readonly AccessStatusDto[]): AccessStatusDto[] {
  const accounts = all.filter((s) => s.identifier === ACCOUNT);
  const has = (portal: string) => accounts.some((s) => s.portal === portal);
  if (!has('itr')) {
    accounts.push(
      missing(
        'itr',
        ACCOUNT,
        'credentials_missing',
        "the firm's e-filing intermediary account is not stored: PUT /v1/credentials/itr",
        null,
      ),
    );
  }
  if (!has('esign')) {
    accounts.push(
      missing(
        'esign',
        ACCOUNT,
        'credentials_missing',
        "the firm's e-sign portal account is not stored: PUT /v1/credentials/esign",
        null,
      ),
    );
  }
  return accounts;
}
