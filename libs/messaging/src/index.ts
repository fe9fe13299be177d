export * from './core/encoding';
export * from './core/kafka-messaging';
export { applyKafkajsIdleFix } from './core/kafkajs-idle-fix';
export * from './core/logger';
export * from './core/outbox';
export * from './core/outbox-relay';
export * from './core/types';
export * from './migrations/1763769600000-CreateMessagingTables';
export * from './nest/messaging.module';
