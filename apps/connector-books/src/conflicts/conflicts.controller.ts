import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ValidationProblem } from '@practice-sync/problems';
import { z } from 'zod';

import type { ConflictView, Resolution } from './conflict-resolver';
import { ConflictResolver, conflictView } from './conflict-resolver';
import { ConflictsStore } from './conflicts-store';

const ListQuery = z.object({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().uuid().optional(),
});

const ResolveBody = z.union([
  z.object({ keep: z.enum(['client', 'server']), resolvedBy: z.string().min(1).max(200) }).strict(),
  z.object({ body: z.record(z.unknown()), resolvedBy: z.string().min(1).max(200) }).strict(),
]);

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ValidationProblem(
    parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })),
  );
}

/**
 * The conflict queue for the gateway, firm-scoped (another firm's link or conflict reads as empty / 404):
 * `GET …/branch-links/{linkId}/conflicts`, `GET …/branch-conflicts/{id}` and `POST …/branch-conflicts/{id}/resolve`
 * (`{ keep: client|server, resolvedBy } | { body, resolvedBy }`). Versions name ledgers and amounts: they are
 * served to the firm only, never logged.
 */
@Controller('internal/v1/firms/:firmId')
export class ConflictsController {
  constructor(
    private readonly store: ConflictsStore,
    private readonly resolver: ConflictResolver,
  ) {}

  @Get('branch-links/:linkId/conflicts')
  async list(
    @Param('firmId') firmId: string,
    @Param('linkId', new ParseUUIDPipe()) linkId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<{ items: ConflictView[]; nextCursor: string | null }> {
    const { status, limit, cursor } = parse(ListQuery, query);
    const rows = await this.store.list(firmId, linkId, status, limit + 1, cursor ?? null);
    const items = rows.slice(0, limit).map(conflictView);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  @Get('branch-conflicts/:id')
  get(@Param('firmId') firmId: string, @Param('id', new ParseUUIDPipe()) id: string): Promise<ConflictView> {
    return this.resolver.get(firmId, id);
  }

  @Post('branch-conflicts/:id/resolve')
  @HttpCode(HttpStatus.OK)
  resolve(
    @Param('firmId') firmId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: unknown,
  ): Promise<ConflictView> {
    const { resolvedBy, ...rest } = parse(ResolveBody, body);
    return this.resolver.resolve(firmId, id, rest as Resolution, resolvedBy);
  }
}
