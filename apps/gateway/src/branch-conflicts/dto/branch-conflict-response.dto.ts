import { ApiProperty } from '@nestjs/swagger';
import { BooksClasses } from '@practice-sync/contracts';

export class ConflictVersionDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-3333-7abc-8def-0123456789ab' })
  companyId!: string;

  @ApiProperty({ example: 1207, description: 'The ALTERID of this version in its company’s books.' })
  alterId!: number;

  @ApiProperty({ example: false, description: 'This end deleted the object (then `fields` is null).' })
  deleted!: boolean;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    example: { NAME: 'Sai Steel Traders', PARENT: 'Local Debtors', OPENINGBALANCE: '-5000.00' },
    description:
      'The object as this company’s books hold it, in Tally’s field names, without the ids local to one ' +
      'company (a master’s name as `NAME`; a voucher’s entries as `ALLLEDGERENTRIES.LIST` …). A merged ' +
      '`body` takes the same shape.',
  })
  fields!: Record<string, unknown> | null;
}

export class BranchConflictResponseDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-7777-7abc-8def-0123456789ab' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '0193a8f4-6666-7abc-8def-0123456789ab' })
  linkId!: string;

  @ApiProperty({ example: '76e1b83a-2c4f-4b1e-9d7a-3f9e1c2b4a5d-000000a1', description: 'Tally’s GUID.' })
  guid!: string;

  @ApiProperty({
    enum: ['GROUP', 'CURRENCY', 'UNIT', 'STOCKITEM', 'LEDGER', 'VOUCHERTYPE', 'COSTCENTRE', 'VOUCHER'],
    example: 'LEDGER',
  })
  type!: string;

  @ApiProperty({ enum: BooksClasses, example: 'masters' })
  class!: string;

  @ApiProperty({ enum: ['open', 'resolved'], example: 'open' })
  status!: string;

  @ApiProperty({ type: ConflictVersionDto, description: 'The version at the link’s client company.' })
  client!: ConflictVersionDto;

  @ApiProperty({ type: ConflictVersionDto, description: 'The version at the link’s server company.' })
  server!: ConflictVersionDto;

  @ApiProperty({ format: 'date-time' })
  detectedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'Last refreshed by a newer version from either end.' })
  updatedAt!: string;

  @ApiProperty({ enum: ['client', 'server', 'body'], nullable: true, type: String, example: null })
  resolution!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Who resolved it: `user:<id>` or `api-key:<id>`.',
  })
  resolvedBy!: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String, example: null })
  resolvedAt!: string | null;
}

export class BranchConflictListResponseDto {
  @ApiProperty({ type: [BranchConflictResponseDto] })
  items!: BranchConflictResponseDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null at the end.',
  })
  nextCursor!: string | null;
}
