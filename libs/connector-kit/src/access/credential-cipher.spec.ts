import { randomBytes } from 'node:crypto';

import { CredentialCipher, parseCredentialKeys } from './credential-cipher';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('CredentialCipher', () => {
  it('seals with AES-256-GCM, naming the key, and never shows the plain text', () => {
    const cipher = new CredentialCipher([k1], 'k1');
    const sealed = cipher.encrypt('{"password":"hunter2"}', 'firm|itr|account|secret');
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain('hunter2');
    expect(cipher.decrypt(sealed, 'firm|itr|account|secret')).toBe('{"password":"hunter2"}');
  });

  it('refuses a ciphertext moved to another row or altered', () => {
    const cipher = new CredentialCipher([k1], 'k1');
    const sealed = cipher.encrypt('secret', 'a');
    expect(() => cipher.decrypt(sealed, 'b')).toThrow();
    const parts = sealed.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'a')).toThrow();
  });

  it('rotates: the new active key encrypts, the old one still decrypts until dropped', () => {
    const old = new CredentialCipher([k1], 'k1').encrypt('secret', 'a');
    const rotated = new CredentialCipher([k1, k2], 'k2');
    expect(rotated.decrypt(old, 'a')).toBe('secret');
    expect(CredentialCipher.keyIdOf(rotated.encrypt('secret', 'a'))).toBe('k2');
    expect(() => new CredentialCipher([k2], 'k2').decrypt(old, 'a')).toThrow('k1 is not configured');
  });

  it('parses the keyring from configuration', () => {
    const keys = parseCredentialKeys(`k1:${k1.key.toString('base64')}, k2:${k2.key.toString('base64')}`);
    expect(keys.map((k) => k.id)).toEqual(['k1', 'k2']);
    expect(keys[1].key.equals(k2.key)).toBe(true);
  });
});
