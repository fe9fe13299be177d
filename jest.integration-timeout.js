// Integration tests talk to a real Kafka and PostgreSQL: allow for broker rebalances.
jest.setTimeout(120000);
