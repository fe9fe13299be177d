import { Module } from '@nestjs/common';

import { BranchLinksController } from './branch-links.controller';

@Module({ controllers: [BranchLinksController] })
export class BranchLinksModule {}
