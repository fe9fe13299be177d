import { Module } from '@nestjs/common';

import { LinkStateConsumer } from './link-state.consumer';

/** Branch links' state (syncing / online / failed) from their jobs' events. */
@Module({ providers: [LinkStateConsumer] })
export class LinkStateModule {}
