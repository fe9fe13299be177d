import { Inject, Injectable } from '@nestjs/common';
import type { FieldError } from '@practice-sync/problems';
import { ValidationProblem } from '@practice-sync/problems';
import type { ServiceHttpClient } from '@practice-sync/service-http';

import type { GatewayConfig } from '../../config/gateway.config';
import { GATEWAY_CONFIG } from '../../config/gateway.config';
import { CLIENT_MASTER } from '../../upstream/upstream.module';
import { createValidationPipe } from '../../validation/validation.pipe';
import { CreateClientRequestDto } from '../dto/create-client-request.dto';
import type { ImportResultDto, ImportRowResultDto, ImportRowStatus } from '../dto/import-result.dto';
import { parseImportCsv } from './csv-rows';
import { DuplicateFinder } from './duplicate-finder';

interface BulkRow {
  row: number;
  client: CreateClientRequestDto;
}

interface BulkAnswer {
  items?: { row: number; status: ImportRowStatus; id?: string; errors?: FieldError[] }[];
}

/**
 * CSV import: every row is checked with the rules of `POST /v1/clients` and against earlier rows of the file,
 * then the valid ones go to client-master's bulk upsert in chunks. A bad row only ever fails itself.
 */
@Injectable()
export class ClientsImportService {
  private readonly validation = createValidationPipe();

  constructor(
    @Inject(CLIENT_MASTER) private readonly clientMaster: ServiceHttpClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async import(firmId: string, csv: string): Promise<ImportResultDto> {
    const results = new Map<number, ImportRowResultDto>();
    const valid: BulkRow[] = [];
    const duplicates = new DuplicateFinder();
    for (const parsed of parseImportCsv(csv)) {
      const { row } = parsed;
      if (!parsed.body) {
        results.set(row, { row, status: 'error', errors: parsed.errors });
        continue;
      }
      const checked = await this.validate(parsed.body);
      const errors = 'errors' in checked ? checked.errors : duplicates.check(row, checked.client);
      if (errors.length || !('client' in checked)) {
        results.set(row, { row, status: 'error', errors });
        continue;
      }
      valid.push({ row, client: checked.client });
    }
    await this.sendInChunks(firmId, valid, results);
    const items = [...results.values()].sort((a, b) => a.row - b.row);
    return { items, totals: totals(items) };
  }

  private async validate(
    body: Record<string, unknown>,
  ): Promise<{ client: CreateClientRequestDto } | { errors: FieldError[] }> {
    try {
      const client = (await this.validation.transform(body, {
        type: 'body',
        metatype: CreateClientRequestDto,
      })) as CreateClientRequestDto;
      return { client };
    } catch (e) {
      if (e instanceof ValidationProblem) return { errors: e.errors ?? [] };
      throw e;
    }
  }

  /**
   * Sends the valid rows in chunks, a few at once (client-master writes each in batches of 500). Rows of a chunk that
   * failed are errors of their own; only when every chunk failed, nothing was written and the caller gets
   * client-master's problem, so it can simply resend the file.
   */
  private async sendInChunks(
    firmId: string,
    rows: BulkRow[],
    results: Map<number, ImportRowResultDto>,
  ): Promise<void> {
    const chunks: BulkRow[][] = [];
    for (let start = 0; start < rows.length; start += this.config.IMPORT_CHUNK_SIZE) {
      chunks.push(rows.slice(start, start + this.config.IMPORT_CHUNK_SIZE));
    }
    const failures: unknown[] = [];
    const queue = [...chunks];
    const worker = async (): Promise<void> => {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
        try {
          this.record(chunk, await this.sendChunk(firmId, chunk), results);
        } catch (e) {
          failures.push(e);
          const message = `not imported: ${e instanceof Error ? e.message : 'client-master failed'}; resend this row`;
          for (const { row } of chunk) {
            results.set(row, { row, status: 'error', errors: [{ field: 'row', message }] });
          }
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(this.config.IMPORT_CONCURRENCY, chunks.length) }, worker),
    );
    if (chunks.length > 0 && failures.length === chunks.length) throw failures[0];
  }

  private sendChunk(firmId: string, chunk: BulkRow[]): Promise<BulkAnswer> {
    return this.clientMaster.request<BulkAnswer>({
      method: 'POST',
      path: `/internal/v1/firms/${firmId}/clients/bulk`,
      body: { rows: chunk.map((r) => ({ row: r.row, client: r.client })) },
    });
  }

  private record(chunk: BulkRow[], answer: BulkAnswer, results: Map<number, ImportRowResultDto>): void {
    const byRow = new Map((answer.items ?? []).map((item) => [item.row, item]));
    for (const { row } of chunk) {
      const item = byRow.get(row);
      results.set(
        row,
        item
          ? {
              row,
              status: item.status,
              ...(item.id ? { id: item.id } : {}),
              ...(item.errors?.length ? { errors: item.errors } : {}),
            }
          : { row, status: 'error', errors: [{ field: 'row', message: 'client-master did not report it' }] },
      );
    }
  }
}

function totals(items: ImportRowResultDto[]): ImportResultDto['totals'] {
  const count = (s: ImportRowStatus) => items.filter((i) => i.status === s).length;
  return { rows: items.length, created: count('created'), updated: count('updated'), error: count('error') };
}
