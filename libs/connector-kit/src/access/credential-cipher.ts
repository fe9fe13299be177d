import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One AES-256 key of the keyring, named so ciphertexts say which key sealed them. */
export interface CredentialKey {
  id: string;
  key: Buffer;
}

const FORMAT = 'v1';

/**
 * AES-256-GCM for portal secrets at rest. The active key encrypts; every key of the ring decrypts, so a key
 * is rotated by adding a new one, making it active, and dropping the old one once nothing uses it. The key id
 * travels with the ciphertext: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). The firm and identifier
 * are bound as additional authenticated data, so a ciphertext copied to another row does not decrypt.
 */
export class CredentialCipher {
  private readonly keys: Map<string, Buffer>;

  constructor(
    keys: readonly CredentialKey[],
    private readonly activeKeyId: string,
  ) {
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`credential key ${k.id} must be 32 bytes`);
    }
    if (!this.keys.has(activeKeyId))
      throw new Error(`active credential key ${activeKeyId} is not in the ring`);
  }

  encrypt(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(this.activeKeyId), iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [FORMAT, this.activeKeyId, ...parts].join('.');
  }

  decrypt(sealed: string, aad: string): string {
    const [format, keyId, iv, tag, body] = sealed.split('.');
    if (format !== FORMAT || !keyId || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('not a sealed credential');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key(keyId), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** The key id a sealed value was encrypted with (to find rows still on an old key). */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }

  private key(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new Error(`credential key ${id} is not configured (was it dropped from the ring?)`);
    return key;
  }
}

/** `id1:base64key,id2:base64key` (CREDENTIALS_KEYS) → the keyring. */
export function parseCredentialKeys(value: string): CredentialKey[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf(':');
      if (at <= 0) throw new Error('each key is <id>:<base64 of 32 bytes>');
      return { id: part.slice(0, at), key: Buffer.from(part.slice(at + 1), 'base64') };
    });
}
