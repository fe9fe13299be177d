import { constants, createHmac, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';

import { aesDecryptB64, aesEncryptB64, openRead, rsaEncryptB64 } from './gst-crypto';

describe('gst crypto', () => {
  it('round-trips AES-256-ECB', () => {
    const key = randomBytes(32);
    expect(aesDecryptB64(key, aesEncryptB64(key, Buffer.from('575757'))).toString()).toBe('575757');
  });

  it('RSA-encrypts the app_key so the holder of the private key reads it', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appKey = randomBytes(32);
    const enc = rsaEncryptB64(publicKey, appKey);
    const dec = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
      Buffer.from(enc, 'base64'),
    );
    expect(dec.equals(appKey)).toBe(true);
  });

  it('opens a sealed read and refuses an altered one', () => {
    const sek = randomBytes(32);
    const rek = randomBytes(32);
    const b64 = Buffer.from(JSON.stringify({ a: 1 })).toString('base64');
    const sealed = {
      data: aesEncryptB64(rek, Buffer.from(b64)),
      rek: aesEncryptB64(sek, rek),
      hmac: createHmac('sha256', rek).update(b64).digest('base64'),
    };
    expect(openRead(sek, sealed)).toEqual({ a: 1 });
    expect(() => openRead(sek, { ...sealed, hmac: 'x' })).toThrow('HMAC');
  });
});
