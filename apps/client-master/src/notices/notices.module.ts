import { Module } from '@nestjs/common';

import { NoticesController } from './notices.controller';
import { NoticesService } from './notices.service';

/** The firm's notices (kept by the records consumer, see apply-notices.ts) and their view by due date. */
@Module({ controllers: [NoticesController], providers: [NoticesService] })
export class NoticesModule {}
