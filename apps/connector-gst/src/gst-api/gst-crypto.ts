import type { KeyObject } from 'node:crypto';
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  publicEncrypt,
} from 'node:crypto';

/**
 * The client side of the GSTN encryption envelope (portals.md): AES-256-ECB with PKCS#7 padding, base64;
 * the app_key RSA-encrypted with the GSTN public key (OAEP-SHA1 against the sandbox, see its README).
 */
export function aesEncryptB64(key: Buffer, plain: Buffer): string {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export function aesDecryptB64(key: Buffer, b64: string): Buffer {
  const decipher = createDecipheriv('aes-256-ecb', key, null);
  return Buffer.concat([decipher.update(Buffer.from(b64, 'base64')), decipher.final()]);
}

export function rsaEncryptB64(publicKey: KeyObject | string, plain: Buffer): string {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, plain).toString(
    'base64',
  );
}

export interface SealedRead {
  data: string;
  rek: string;
  hmac: string;
}

export function isSealed(body: unknown): body is SealedRead & { status_cd: unknown } {
  if (body === null || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  return typeof b['rek'] === 'string' && typeof b['data'] === 'string' && typeof b['hmac'] === 'string';
}

/** Opens a sealed read: REK = AES⁻¹(SEK, rek); b64 = AES⁻¹(REK, data); HMAC(REK, b64) checked; JSON. */
export function openRead(sek: Buffer, sealed: SealedRead): unknown {
  const rek = aesDecryptB64(sek, sealed.rek);
  const b64 = aesDecryptB64(rek, sealed.data).toString('utf8');
  const hmac = createHmac('sha256', rek).update(b64, 'utf8').digest('base64');
  if (hmac !== sealed.hmac) throw new Error('HMAC mismatch');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as unknown;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
