import type { ExistingClaim } from './claim-decision';
import { decideClaim } from './claim-decision';

const row = (over: Partial<ExistingClaim> = {}): ExistingClaim => ({
  fingerprint: 'f1',
  responseStatus: null,
  responseBody: null,
  owner: 'pg:100:1700000000000000',
  ...over,
});
const alive = (...ids: string[]) => jest.fn(async (id: string) => ids.includes(id));

describe('deciding what a known Idempotency-Key means', () => {
  it('refuses another request under the same key, whoever holds it', async () => {
    const ask = alive();
    await expect(decideClaim(row(), 'f2', ask)).resolves.toEqual({ kind: 'mismatch' });
    expect(ask).not.toHaveBeenCalled();
  });

  it('replays a finished answer without asking about its owner', async () => {
    const ask = alive();
    const done = row({ responseStatus: 202, responseBody: '{"id":"r1"}', owner: null });
    await expect(decideClaim(done, 'f1', ask)).resolves.toEqual({
      kind: 'replay',
      status: 202,
      body: { id: 'r1' },
    });
    expect(ask).not.toHaveBeenCalled();
  });

  it('answers in progress while the holding process is alive', async () => {
    await expect(decideClaim(row(), 'f1', alive('pg:100:1700000000000000'))).resolves.toEqual({
      kind: 'in-progress',
    });
  });

  it('lets the request take over a key whose holder died', async () => {
    const ask = alive('pg:200:1700000000000000');
    await expect(decideClaim(row(), 'f1', ask)).resolves.toEqual({
      kind: 'take-over',
      from: 'pg:100:1700000000000000',
    });
    expect(ask).toHaveBeenCalledWith('pg:100:1700000000000000');
  });

  it('takes over a row from before owners were kept', async () => {
    const ask = alive();
    await expect(decideClaim(row({ owner: null }), 'f1', ask)).resolves.toEqual({
      kind: 'take-over',
      from: null,
    });
    expect(ask).not.toHaveBeenCalled();
  });
});
