import { generateKeyPairSync, randomBytes } from 'node:crypto';

import {
  aesDecrypt,
  aesEncrypt,
  openRead,
  rsaDecryptB64,
  rsaEncryptB64,
  sealRead,
  sha256Hex,
} from './gst-crypto';

describe('GST envelope crypto', () => {
  const key = randomBytes(32);

  it('round-trips AES-256-ECB and pads to whole blocks', () => {
    const sealed = aesEncrypt(key, Buffer.from('575757'));
    expect(sealed).toHaveLength(16);
    expect(aesDecrypt(key, sealed).toString()).toBe('575757');
    expect(() => aesDecrypt(randomBytes(32), sealed).toString()).toThrow();
  });

  it('round-trips an app_key through RSA', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appKey = randomBytes(32);
    expect(rsaDecryptB64(privateKey, rsaEncryptB64(publicKey, appKey)).equals(appKey)).toBe(true);
  });

  it('seals a read so only the SEK holder opens it, and detects tampering', () => {
    const payload = { data: { gstin: '27AAACR5055K1Z7', n: [1, 2, 3] } };
    const sealed = sealRead(key, payload);
    expect(sealed.data).not.toContain('27AAACR');
    expect(openRead(key, sealed)).toEqual(payload);
    expect(() => openRead(randomBytes(32), sealed)).toThrow();
    const otherRek = sealRead(key, { evil: true });
    expect(() => openRead(key, { ...sealed, hmac: otherRek.hmac })).toThrow('HMAC mismatch');
  });

  it('hashes files with SHA-256 hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
