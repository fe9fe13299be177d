// Readiness probe: succeeds only when the broker answers a real metadata request.
// Usage: node kafka-ready.js <host:port> [timeoutMs]
const { Kafka, logLevel } = require('kafkajs');

const [brokers = '127.0.0.1:9092', timeout = '3000'] = process.argv.slice(2);
const kafka = new Kafka({
  clientId: 'practice-sync-probe',
  brokers: brokers.split(','),
  connectionTimeout: Number(timeout),
  requestTimeout: Number(timeout),
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
admin
  .connect()
  .then(() => admin.fetchTopicMetadata({ topics: [] }))
  .then(() => admin.describeCluster())
  .then((c) => {
    process.stdout.write(`ok ${c.brokers.length} broker(s), controller ${c.controller}\n`);
    return admin.disconnect().then(() => process.exit(0));
  })
  .catch((e) => {
    process.stderr.write(`not ready: ${e.message}\n`);
    process.exit(1);
  });
