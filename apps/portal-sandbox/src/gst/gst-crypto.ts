import type { KeyObject } from 'node:crypto';
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHmac,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';

/**
 * The GSTN encryption envelope (portals.md). Pure functions over Node's crypto, shared by the sandbox, its
 * tests and the README's reference client. AES-256-ECB with PKCS#7 padding, as GSTN specifies.
 */

export function aesEncrypt(key: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-ecb', key, null);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

export function aesDecrypt(key: Buffer, encrypted: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-ecb', key, null);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}

export const aesEncryptB64 = (key: Buffer, plain: Buffer): string =>
  aesEncrypt(key, plain).toString('base64');
export const aesDecryptB64 = (key: Buffer, b64: string): Buffer =>
  aesDecrypt(key, Buffer.from(b64, 'base64'));

export function hmacB64(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64');
}

export { sha256Hex } from '../world/checksum';

/**
 * RSA for the app_key. GSTN uses PKCS#1 v1.5; Node 20 refuses PKCS#1 v1.5 private decryption
 * (CVE-2023-46809), so the sandbox uses OAEP (SHA-1), the only deviation from the real envelope.
 */
const RSA_PADDING = constants.RSA_PKCS1_OAEP_PADDING;

export function rsaEncryptB64(publicKey: KeyObject | string, plain: Buffer): string {
  return publicEncrypt({ key: publicKey, padding: RSA_PADDING }, plain).toString('base64');
}

export function rsaDecryptB64(privateKey: KeyObject, b64: string): Buffer {
  return privateDecrypt({ key: privateKey, padding: RSA_PADDING }, Buffer.from(b64, 'base64'));
}

export interface SealedRead {
  data: string;
  rek: string;
  hmac: string;
}

/**
 * Seals a read answer: data = AES(REK, base64(json)), rek = AES(SEK, REK), hmac = HMAC-SHA256 keyed with the
 * REK over base64(json). A fresh REK per answer, as GSTN does.
 */
export function sealRead(sek: Buffer, payload: unknown, rek: Buffer = randomBytes(32)): SealedRead {
  const b64 = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
  return {
    data: aesEncryptB64(rek, Buffer.from(b64, 'utf8')),
    rek: aesEncryptB64(sek, rek),
    hmac: hmacB64(rek, b64),
  };
}

/** The client side of `sealRead`: decrypts rek with the SEK, data with the REK, checks the HMAC. */
export function openRead(sek: Buffer, sealed: SealedRead): unknown {
  const rek = aesDecryptB64(sek, sealed.rek);
  const b64 = aesDecryptB64(rek, sealed.data).toString('utf8');
  if (hmacB64(rek, b64) !== sealed.hmac) throw new Error('HMAC mismatch: the answer was altered');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as unknown;
}
