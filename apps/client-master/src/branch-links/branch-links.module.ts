import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CompaniesModule } from '../companies/companies.module';
import { BranchLinkEntity, BranchRuleEntity } from './branch-link.entity';
import { BranchLinksController } from './branch-links.controller';
import { BranchLinksService } from './branch-links.service';

@Module({
  imports: [TypeOrmModule.forFeature([BranchLinkEntity, BranchRuleEntity]), CompaniesModule],
  controllers: [BranchLinksController],
  providers: [BranchLinksService],
})
export class BranchLinksModule {}
