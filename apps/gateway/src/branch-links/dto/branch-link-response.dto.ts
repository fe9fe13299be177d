import { ApiProperty } from '@nestjs/swagger';
import {
  BooksClasses,
  BooksRuleDirections,
  LinkModes,
  LinkStates,
  RuleStatuses,
} from '@practice-sync/contracts';

export class BranchRuleResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-5555-7abc-8def-0123456789ab' })
  id!: string;

  @ApiProperty({ enum: BooksClasses, example: 'masters' })
  class!: string;

  @ApiProperty({
    type: [String],
    example: ['Group', 'Ledger'],
    description: 'Empty: every type of the class.',
  })
  types!: string[];

  @ApiProperty({ enum: BooksRuleDirections, example: 'receive' })
  direction!: string;

  @ApiProperty({ format: 'date', nullable: true, type: String, example: null })
  fromDate!: string | null;

  @ApiProperty({
    enum: RuleStatuses,
    example: 'active',
    description: 'Created `proposed`; only an `active` rule moves anything.',
  })
  status!: string;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why it was rejected.' })
  reason!: string | null;
}

export class HeldChangesDto {
  @ApiProperty({ example: 0, description: 'Changes held for the receiving company (on_demand).' })
  count!: number;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  oldestAt!: string | null;
}

export class BranchLinkResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-6666-7abc-8def-0123456789ab' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '0193a8f4-3333-7abc-8def-0123456789ab' })
  clientCompanyId!: string;

  @ApiProperty({ format: 'uuid', example: '0193a8f4-4444-7abc-8def-0123456789ab' })
  serverCompanyId!: string;

  @ApiProperty({ enum: LinkModes, example: 'online' })
  mode!: string;

  @ApiProperty({ type: [BranchRuleResponseDto] })
  rules!: BranchRuleResponseDto[];

  @ApiProperty({ enum: LinkStates, example: 'online' })
  state!: string;

  @ApiProperty({ type: HeldChangesDto })
  held!: HeldChangesDto;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  lastSyncAt!: string | null;

  @ApiProperty({ nullable: true, type: String, example: null, description: 'Why the link failed.' })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class BranchLinkListResponseDto {
  @ApiProperty({ type: [BranchLinkResponseDto] })
  items!: BranchLinkResponseDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end.',
  })
  nextCursor!: string | null;
}
