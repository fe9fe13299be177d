// The unit project does no I/O: a unit spec that listens on a port or opens a socket (HTTP, Kafka, PostgreSQL,
// fetch) fails with a message saying so. Such a test belongs in an *.integration-spec.ts (real infrastructure,
// one service) or in apps/e2e. Node's core modules are shared by every test file of a jest worker, so the patch
// is undone after each file.
const net = require('node:net');

const original = { listen: net.Server.prototype.listen, connect: net.Socket.prototype.connect };
const refused = [];

function target(args) {
  const [first] = args.flat();
  if (typeof first === 'number' || typeof first === 'string') return String(first);
  if (first && typeof first === 'object') {
    const { host, port, path } = first;
    return path ?? `${host ?? ''}:${port ?? ''}`;
  }
  return '?';
}

function refuse(what) {
  const error = new Error(
    `${what} in a unit test: unit specs (*.spec.ts) do no I/O. Give the code a fake of the dependency, ` +
      'or move the test to an *.integration-spec.ts (see jest.config.js).',
  );
  refused.push(error);
  return error;
}

net.Server.prototype.listen = function listen(...args) {
  throw refuse(`listen(${target(args)})`);
};
net.Socket.prototype.connect = function connect(...args) {
  throw refuse(`connect(${target(args)})`);
};

// The code under test may swallow the error (a retry loop, a fetch rejection): the test fails anyway.
afterEach(() => {
  const [first] = refused.splice(0);
  if (first) throw first;
});

afterAll(() => {
  net.Server.prototype.listen = original.listen;
  net.Socket.prototype.connect = original.connect;
});
