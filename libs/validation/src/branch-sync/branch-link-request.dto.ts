import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { BooksClass, BooksRuleDirection, LinkMode } from '@practice-sync/contracts';
import {
  BooksClasses,
  BooksMasterTypes,
  BooksRuleDirections,
  ISO_DATE_PATTERN,
  LinkModes,
  MAX_VOUCHER_TYPE_NAME,
  toIsoDate,
} from '@practice-sync/contracts';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';

import type { FieldProblem } from '../field-check';
import { CheckField, eachStringRule, stringRule } from '../field-check';
import { trimmed, trimmedList } from '../transforms';

/** Rules a link holds at most (a handful is typical: masters one way, transactions the other). */
export const MAX_RULES_PER_LINK = 20;
const MAX_TYPES_PER_RULE = 50;
const COMPANY_ID = "must be the id (UUID) of one of the firm's companies";
const MODE_MESSAGE = `must be one of ${LinkModes.join(', ')}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const A_DATE = 'a date YYYY-MM-DD, e.g. 2025-04-01';

const isOneOf = <T extends string>(values: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);

/** A calendar date `YYYY-MM-DD` that exists (no 2025-02-30). */
export function isoDateProblem(value: string): string | null {
  return ISO_DATE_PATTERN.test(value) && toIsoDate(value) === value
    ? null
    : `must be a real calendar date YYYY-MM-DD, e.g. 2025-04-01`;
}

/** A voucher type name: user-defined in Tally, so only its length and text are checked. */
function voucherTypeProblem(name: string): string | null {
  if (name.length === 0) return 'must be a voucher type name, e.g. Sales; not empty';
  if (name.length > MAX_VOUCHER_TYPE_NAME)
    return `must be a voucher type name of at most ${MAX_VOUCHER_TYPE_NAME} characters`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'must not contain control characters (tabs, line breaks)';
  return null;
}

/**
 * A rule's `types`: Tally's master type names for `masters`; for `transactions`, voucher type names, which are
 * user-defined in Tally, so only their length and text are checked. Not checked while `class` is itself bad.
 */
export function ruleTypesProblems(value: unknown, rule: object): FieldProblem[] {
  const ruleClass = (rule as { class?: unknown }).class;
  if (ruleClass === 'masters')
    return eachStringRule((t) =>
      isOneOf(BooksMasterTypes, t)
        ? null
        : `unknown master type "${t}"; use Tally's names: ${BooksMasterTypes.join(', ')}`,
    )(value, rule);
  if (ruleClass === 'transactions') return eachStringRule(voucherTypeProblem)(value, rule);
  return [];
}

/** A link's rule as its client side proposes it (DESIGN.md: `{ class, types?, direction, fromDate? }`). */
export class BranchRuleRequestDto {
  @ApiProperty({ enum: BooksClasses, example: 'masters' })
  @IsDefined({ message: `is required: one of ${BooksClasses.join(', ')}` })
  @IsIn(BooksClasses, { message: `must be one of ${BooksClasses.join(', ')}` })
  class!: BooksClass;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_TYPES_PER_RULE,
    example: ['Group', 'Ledger'],
    description:
      `Which types of the class; empty or absent: all of them. For masters, Tally's master types ` +
      `(${BooksMasterTypes.join(', ')}); for transactions, voucher type names as the books name them ` +
      '(e.g. Sales, Purchase, or a type the company created).',
  })
  @Transform(trimmedList)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TYPES_PER_RULE)
  @CheckField('branchRule.types', ruleTypesProblems)
  types?: string[];

  @ApiProperty({
    enum: BooksRuleDirections,
    example: 'send',
    description: "Seen from the link's client company: send to the server company, receive from it, or both.",
  })
  @IsDefined({ message: `is required: one of ${BooksRuleDirections.join(', ')}` })
  @IsIn(BooksRuleDirections, { message: `must be one of ${BooksRuleDirections.join(', ')}` })
  direction!: BooksRuleDirection;

  @ApiPropertyOptional({
    format: 'date',
    example: '2025-04-01',
    description: 'Only objects dated on or after it (vouchers by date); absent: everything.',
  })
  @IsOptional()
  @CheckField('branchRule.fromDate', stringRule(isoDateProblem, A_DATE))
  fromDate?: string;
}

/** The server company differs from the client company: a link joins two sets of books. */
function notTheClientCompany(value: unknown, link: object): FieldProblem[] {
  const client = (link as { clientCompanyId?: unknown }).clientCompanyId;
  return typeof value === 'string' &&
    typeof client === 'string' &&
    value.toLowerCase() === client.toLowerCase()
    ? [{ path: '', message: 'must be another company than clientCompanyId: a link joins two companies' }]
    : [];
}

const ruleList = (): PropertyDecorator => (target, key) => {
  IsArray()(target, key);
  ArrayMaxSize(MAX_RULES_PER_LINK)(target, key);
  ValidateNested({ each: true })(target, key);
  Type(() => BranchRuleRequestDto)(target, key);
};

/** `POST /v1/branch-links`: a client company, a server company, a mode and the proposed rules. */
export class CreateBranchLinkRequestDto {
  @ApiProperty({ format: 'uuid', example: '0193a8f4-3333-7abc-8def-0123456789ab' })
  @IsDefined({ message: `is required: ${COMPANY_ID}` })
  @IsUUID('all', { message: COMPANY_ID })
  clientCompanyId!: string;

  @ApiProperty({ format: 'uuid', example: '0193a8f4-4444-7abc-8def-0123456789ab' })
  @IsDefined({ message: `is required: ${COMPANY_ID}` })
  @IsUUID('all', { message: COMPANY_ID })
  @CheckField('branchLink.serverCompanyId', notTheClientCompany)
  serverCompanyId!: string;

  @ApiProperty({ enum: LinkModes, example: 'online' })
  @IsDefined({ message: `is required: ${MODE_MESSAGE}` })
  @IsIn(LinkModes, { message: MODE_MESSAGE })
  mode!: LinkMode;

  @ApiProperty({
    type: [BranchRuleRequestDto],
    maxItems: MAX_RULES_PER_LINK,
    description: 'Each is created `proposed`; it moves nothing until the server side activates it.',
  })
  @IsDefined({ message: 'is required: a list of rules (may be empty)' })
  @ruleList()
  rules!: BranchRuleRequestDto[];
}

/**
 * `PATCH /v1/branch-links/{id}`: change the mode, propose more rules (created `proposed`), remove rules by id.
 * A rule is never edited in place: remove it and add the new one, which the server side decides again.
 */
export class UpdateBranchLinkRequestDto {
  @ApiPropertyOptional({ enum: LinkModes, example: 'on_demand' })
  @IsOptional()
  @IsIn(LinkModes, { message: MODE_MESSAGE })
  mode?: LinkMode;

  @ApiPropertyOptional({ type: [BranchRuleRequestDto], maxItems: MAX_RULES_PER_LINK })
  @IsOptional()
  @ruleList()
  addRules?: BranchRuleRequestDto[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_RULES_PER_LINK,
    example: ['0193a8f4-5555-7abc-8def-0123456789ab'],
    description: 'Ids of rules of this link to remove.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RULES_PER_LINK)
  @CheckField(
    'branchLink.removeRuleIds',
    eachStringRule((v) => (UUID.test(v) ? null : 'must be the id (UUID) of a rule of this link')),
  )
  removeRuleIds?: string[];
}

/** `POST /v1/branch-links/{id}/rules/{ruleId}/reject`: the server side refuses a rule and says why. */
export class RejectRuleRequestDto {
  @ApiProperty({ example: 'Branches do not send masters; the head office owns the chart of accounts.' })
  @Transform(trimmed)
  @IsDefined({ message: 'is required: say why the rule is refused' })
  @IsString()
  @Length(1, 500, { message: 'must be 1 to 500 characters saying why the rule is refused' })
  reason!: string;
}

/**
 * `POST /v1/branch-links/{id}/snapshot`: copy the server company's books to the client company. `replace`
 * (default false) allows importing into a client company whose books are not empty: objects with the server's
 * GUIDs are altered to the server's version, nothing at the client is deleted.
 */
export class BranchSnapshotRequestDto {
  @ApiPropertyOptional({
    default: false,
    description:
      "Import over a client company whose books are not empty: its objects with the server's GUIDs are " +
      "altered to the server's version; nothing is deleted. Without it, such a snapshot fails " +
      '`books_not_empty` and imports nothing.',
  })
  @IsOptional()
  @IsBoolean({ message: 'must be true or false (true imports over books that are not empty)' })
  replace?: boolean;
}
