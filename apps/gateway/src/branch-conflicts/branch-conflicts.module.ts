import { Module } from '@nestjs/common';

import { BranchConflictsController } from './branch-conflicts.controller';

@Module({ controllers: [BranchConflictsController] })
export class BranchConflictsModule {}
