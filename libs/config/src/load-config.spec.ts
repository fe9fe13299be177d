import { z } from 'zod';

import { baseServiceEnv, ConfigError, describeConfig, loadConfig, serviceUrls } from './load-config';

describe('loadConfig', () => {
  it('applies defaults and parses lists', () => {
    const cfg = loadConfig(baseServiceEnv(3000), { KAFKA_BROKERS: 'a:1, b:2' });
    expect(cfg.PORT).toBe(3000);
    expect(cfg.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('leaves the prepared statements to the persistence default, takes 0 to turn them off, refuses a negative count', () => {
    expect(loadConfig(baseServiceEnv(3000), {}).DATABASE_PREPARED_STATEMENTS).toBeUndefined();
    expect(
      loadConfig(baseServiceEnv(3000), { DATABASE_PREPARED_STATEMENTS: '50' }).DATABASE_PREPARED_STATEMENTS,
    ).toBe(50);
    expect(
      loadConfig(baseServiceEnv(3000), { DATABASE_PREPARED_STATEMENTS: '0' }).DATABASE_PREPARED_STATEMENTS,
    ).toBe(0);
    expect(() => loadConfig(baseServiceEnv(3000), { DATABASE_PREPARED_STATEMENTS: '-1' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS/,
    );
  });

  it('names every bad variable at once', () => {
    const schema = baseServiceEnv(3000).extend({ SECRET: z.string().min(8) });
    try {
      loadConfig(schema, { PORT: 'x', DATABASE_URL: 'nope' });
      fail('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('SECRET');
    }
  });

  it('reads a service URL or a comma-separated list of its instances, and names a bad entry', () => {
    const schema = z.object({ CLIENT_MASTER_URL: serviceUrls('http://127.0.0.1:3001') });
    expect(loadConfig(schema, {}).CLIENT_MASTER_URL).toBe('http://127.0.0.1:3001');
    expect(
      loadConfig(schema, { CLIENT_MASTER_URL: ' http://10.0.0.5:3001 , http://10.0.0.6:3001,' })
        .CLIENT_MASTER_URL,
    ).toBe('http://10.0.0.5:3001,http://10.0.0.6:3001');
    expect(() => loadConfig(schema, { CLIENT_MASTER_URL: 'http://10.0.0.5:3001,10.0.0.6:3001' })).toThrow(
      /CLIENT_MASTER_URL: "10\.0\.0\.6:3001" is not an http\(s\) URL; give one base URL, or one per instance separated by commas/,
    );
    expect(() => loadConfig(schema, { CLIENT_MASTER_URL: ' , ' })).toThrow(
      /CLIENT_MASTER_URL: must be an http\(s\) URL/,
    );
  });

  it('masks secrets when described', () => {
    expect(describeConfig({ A: 'x', KEY: 'hunter2' }, ['KEY'])).toEqual({ A: 'x', KEY: '***' });
  });
});
