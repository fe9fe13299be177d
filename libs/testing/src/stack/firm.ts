import { requestJson } from './http';

export interface FirmWithAdmin {
  firmId: string;
  firmName: string;
  adminKeyId: string;
  adminApiKey: string;
}

/** Creates a firm with the platform key, then an admin API key for it (the key is only shown once). */
export async function createFirmWithAdmin(
  gatewayUrl: string,
  platformApiKey: string,
  name: string,
): Promise<FirmWithAdmin> {
  const firm = await requestJson<{ id: string; name: string }>('POST', `${gatewayUrl}/v1/firms`, {
    bearer: platformApiKey,
    body: { name },
  });
  const key = await requestJson<{ id: string; key: string; role: string }>(
    'POST',
    `${gatewayUrl}/v1/firms/${encodeURIComponent(firm.id)}/api-keys`,
    { bearer: platformApiKey, body: { name: 'admin', role: 'admin' } },
  );
  return { firmId: firm.id, firmName: firm.name, adminKeyId: key.id, adminApiKey: key.key };
}

/** True when `apiKey` is accepted by the gateway (a firm-scoped read). */
export async function apiKeyWorks(gatewayUrl: string, apiKey: string): Promise<boolean> {
  try {
    await requestJson('GET', `${gatewayUrl}/v1/clients?limit=1`, { bearer: apiKey, timeoutMs: 5000 });
    return true;
  } catch {
    return false;
  }
}

export interface ConsoleUser {
  email: string;
  password: string;
  role: 'admin' | 'operator' | 'viewer';
}

/** Invites a user into the firm (admin API key or platform key) and sets the password with the invitation. */
export async function createConsoleUser(
  gatewayUrl: string,
  bearer: string,
  firmId: string,
  user: ConsoleUser,
): Promise<void> {
  const invited = await requestJson<{ inviteToken: string }>(
    'POST',
    `${gatewayUrl}/v1/firms/${encodeURIComponent(firmId)}/users`,
    { bearer, body: { email: user.email, role: user.role } },
  );
  await requestJson('POST', `${gatewayUrl}/v1/invitations/accept`, {
    body: { token: invited.inviteToken, password: user.password },
  });
}

/** True when the console accepts `email` and `password` (a real sign-in; the session is left to expire). */
export async function signInWorks(gatewayUrl: string, email: string, password: string): Promise<boolean> {
  try {
    await requestJson('POST', `${gatewayUrl}/v1/sessions`, { body: { email, password }, timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}
