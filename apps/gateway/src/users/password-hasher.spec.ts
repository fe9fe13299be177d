import * as argon2 from 'argon2';

import { loadGatewayConfig } from '../config/gateway.config';
import { Argon2PasswordHasher } from './password-hasher';

const config = (env: Record<string, string> = {}) =>
  loadGatewayConfig({
    PLATFORM_API_KEY: 'unit-platform-key-0001',
    DATABASE_URL: 'postgres://x@127.0.0.1/x',
    ...env,
  });

describe('Argon2PasswordHasher', () => {
  it("hashes with OWASP's argon2id row by default and wants an older default's hash rehashed", async () => {
    const hasher = new Argon2PasswordHasher(config());
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(hasher.needsRehash(hash)).toBe(false);
    const legacy = await argon2.hash('correct horse battery', {
      type: argon2.argon2id,
      memoryCost: 65_536,
      timeCost: 3,
      parallelism: 4,
    });
    expect(hasher.needsRehash(legacy)).toBe(true);
    await expect(hasher.verify(legacy, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify('not a hash', 'correct horse battery')).resolves.toBe(false);
    // A 64 MiB hash on a busy 2-core machine: seconds, not the unit default of 5.
  }, 60_000);

  it("takes its cost from PASSWORD_HASH_*, and refuses one below OWASP's lowest memory", async () => {
    const hasher = new Argon2PasswordHasher(
      config({ PASSWORD_HASH_MEMORY_KIB: '8192', PASSWORD_HASH_TIME_COST: '3' }),
    );
    expect(await hasher.hash('correct horse battery')).toMatch(/m=8192,p=1,t=3\$/);
    expect(() => config({ PASSWORD_HASH_MEMORY_KIB: '1024' })).toThrow(/PASSWORD_HASH_MEMORY_KIB/);
  }, 60_000);
});

describe('TRUST_PROXY', () => {
  it('is off by default, takes a hop count or a list, and refuses true', () => {
    expect(config().TRUST_PROXY).toBe(false);
    expect(config({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(config({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8');
    expect(() => config({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});
