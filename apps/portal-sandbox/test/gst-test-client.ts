import { randomBytes } from 'node:crypto';

import type { SealedRead } from '../src/gst/gst-crypto';
import { aesDecryptB64, aesEncryptB64, openRead, rsaEncryptB64 } from '../src/gst/gst-crypto';
import type { RunningSandbox } from './sandbox-test-app';

export interface GstBody {
  status_cd: string;
  error?: { error_cd: string; message: string };
  [key: string]: unknown;
}

/**
 * A GST client doing the real envelope dance, as a connector must: app_key RSA-encrypted with the public key,
 * OTP AES-encrypted with the app_key, SEK decrypted with the app_key, reads opened with the SEK.
 */
export class GstTestClient {
  token?: string;
  sek?: Buffer;

  constructor(
    private readonly sandbox: RunningSandbox,
    readonly gstin: string,
    private readonly encrypted = true,
  ) {}

  async auth(body: Record<string, unknown>): Promise<GstBody> {
    const res = await this.sandbox.send('POST', '/gst/taxpayerapi/v1.0/authenticate', body, {
      gstin: this.gstin,
    });
    return (await res.json()) as GstBody;
  }

  async login(otp = '575757'): Promise<GstBody> {
    const appKey = randomBytes(32);
    const appKeyEnc = this.encrypted ? rsaEncryptB64(await this.publicKey(), appKey) : undefined;
    await this.auth({ action: 'OTPREQUEST', username: 'demo', app_key: appKeyEnc });
    const sentOtp = this.encrypted ? aesEncryptB64(appKey, Buffer.from(otp)) : otp;
    const body = await this.auth({ action: 'AUTHTOKEN', username: 'demo', app_key: appKeyEnc, otp: sentOtp });
    this.accept(body, appKey);
    return body;
  }

  async refresh(): Promise<GstBody> {
    const appKey = randomBytes(32);
    const appKeyEnc = this.encrypted && this.sek ? aesEncryptB64(this.sek, appKey) : undefined;
    const body = await this.auth({
      action: 'REFRESHTOKEN',
      username: 'demo',
      auth_token: this.token,
      app_key: appKeyEnc,
    });
    this.accept(body, appKey);
    return body;
  }

  /** A read; sealed answers are opened with the SEK and returned as `{status_cd, data}`. */
  async get(path: string): Promise<GstBody> {
    const headers: Record<string, string> = { gstin: this.gstin, username: 'demo' };
    if (this.token) headers['auth-token'] = this.token;
    const body = (await (await this.sandbox.get(path, headers)).json()) as GstBody;
    if (body.status_cd === '0' || typeof body.rek !== 'string') return body;
    if (!this.sek) throw new Error('a sealed answer without a session key');
    return { status_cd: body.status_cd, data: openRead(this.sek, body as unknown as SealedRead) };
  }

  private accept(body: GstBody, appKey: Buffer): void {
    if (body.status_cd !== '1' || typeof body.sek !== 'string') return;
    this.token = String(body.auth_token);
    this.sek = this.encrypted ? aesDecryptB64(appKey, body.sek) : Buffer.from(body.sek, 'base64');
  }

  private async publicKey(): Promise<string> {
    const res = await this.sandbox.get('/gst/_sandbox/public-key');
    return ((await res.json()) as { publicKey: string }).publicKey;
  }
}
