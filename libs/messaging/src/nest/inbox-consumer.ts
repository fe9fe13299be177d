import type { OnApplicationBootstrap } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Envelope } from '@practice-sync/contracts';

import type { KafkaMessaging } from '../core/kafka-messaging';
import type { ConsumerSpec, HandlerContext } from '../core/types';

/** Where an inbox consumer reads from: everything of a `ConsumerSpec` but the handler. */
export type InboxSubscription = Omit<ConsumerSpec, 'handle'>;

/**
 * The shape of a service's consumer: subclass it as an `@Injectable()`, pass what it reads to `super` and
 * write `handle` (in the inbox transaction, through `ctx.manager`). It starts consuming once every module is
 * ready; MessagingModule stops it before the database closes, so there is nothing to stop here.
 */
export abstract class InboxConsumer<T = unknown> implements OnApplicationBootstrap {
  /** Named after the subclass (`ResultsConsumer`). */
  protected readonly logger = new Logger(this.constructor.name);

  protected constructor(
    protected readonly messaging: KafkaMessaging,
    private readonly subscription: InboxSubscription,
  ) {}

  abstract handle(envelope: Envelope<T>, ctx: HandlerContext): Promise<void>;

  async onApplicationBootstrap(): Promise<void> {
    await this.messaging.consume({
      ...this.subscription,
      handle: (envelope, ctx) => this.handle(envelope as Envelope<T>, ctx),
    });
  }
}
