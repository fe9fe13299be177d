import { z } from 'zod';

import { baseServiceEnv, ConfigError, describeConfig, loadConfig } from './load-config';

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

  it('masks secrets when described', () => {
    expect(describeConfig({ A: 'x', KEY: 'hunter2' }, ['KEY'])).toEqual({ A: 'x', KEY: '***' });
  });
});
