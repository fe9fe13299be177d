import { requestJson } from './http';

/** The OTP the portal sandbox sends for every GSTIN and taxpayer (DESIGN.md, the sandbox's control API). */
export const SANDBOX_OTP = '575757';

export interface PortalAccessRequest {
  /** GSTINs to open a GST session for (username, then the OTP). */
  gstins?: readonly string[];
  /** PANs to record the taxpayer's consent for (after the firm's e-filing intermediary account is stored). */
  pans?: readonly string[];
  /** Store the firm's e-sign portal account. */
  esign?: boolean;
  /** The OTP each step answers with (default: the sandbox's). */
  otp?: string;
}

export interface PortalAccessGranted {
  gstSessions: number;
  itrConsents: number;
  esignAccount: boolean;
}

/**
 * Grants portal access through the public API, the steps a firm's staff take: a GST username then the OTP per
 * GSTIN; the firm's e-filing intermediary (ERI) account, then per PAN a consent request and the taxpayer's OTP;
 * the firm's e-sign API key. Used by the demo and by tests running the stack with access required (the default).
 * Throws on the first step the gateway refuses, with its problem.
 */
export async function grantPortalAccess(
  gatewayUrl: string,
  apiKey: string,
  request: PortalAccessRequest,
): Promise<PortalAccessGranted> {
  const otp = request.otp ?? SANDBOX_OTP;
  const call = (method: string, path: string, body: unknown) =>
    requestJson(method, `${gatewayUrl}/v1/credentials${path}`, { bearer: apiKey, body, timeoutMs: 30_000 });
  const gstins = [...new Set(request.gstins ?? [])];
  for (const gstin of gstins) {
    await call('PUT', `/gst/${gstin}`, { username: `user_${gstin.slice(2, 12).toLowerCase()}` });
    await call('POST', `/gst/${gstin}/otp`, { otp });
  }
  const pans = [...new Set(request.pans ?? [])];
  if (pans.length > 0) {
    await call('PUT', '/itr', {
      clientId: 'eri-client',
      clientSecret: 'eri-secret',
      userId: 'ERIP000001',
      password: 'eri-password',
    });
    for (const pan of pans) {
      await call('POST', `/itr/${pan}/consent`, {});
      await call('POST', `/itr/${pan}/consent`, { otp });
    }
  }
  if (request.esign) await call('PUT', '/esign', { apiKey: 'esign-firm-key' });
  return { gstSessions: gstins.length, itrConsents: pans.length, esignAccount: request.esign === true };
}
