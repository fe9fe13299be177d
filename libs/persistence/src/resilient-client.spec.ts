import { Client } from 'pg';

import { resilientClient } from './resilient-client';

describe('resilientClient', () => {
  it('survives an error event nobody else listens to (a connection dropped between two owners)', () => {
    const client = new (resilientClient())({ host: '127.0.0.1' });
    expect(() =>
      client.emit('error', new Error('terminating connection due to administrator command')),
    ).not.toThrow();
    // Without it, the same event kills the process.
    expect(() => new Client({ host: '127.0.0.1' }).emit('error', new Error('x'))).toThrow('x');
  });

  it('extends the class it is given (e.g. the preparing client)', () => {
    class Marked extends Client {
      readonly marked = true;
    }
    expect(new (resilientClient(Marked))({ host: '127.0.0.1' })).toBeInstanceOf(Marked);
  });
});
