import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';

import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import type { ClientIdentifiers } from '../fan-out/job-planner';
import type { ClientSelection } from '../sync-runs/sync-runs.dto';

/** Only the fields the fan-out uses; the rest of the Client passes through unchecked. */
const ClientPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string().uuid(),
      name: z.string().nullish(),
      pan: z.string().nullable(),
      gstins: z.array(z.string()),
      esignClientFileId: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const UnmatchedSchema = z.object({ unmatched: z.array(z.string()) });

export interface ClientPage {
  items: ClientIdentifiers[];
  nextCursor: string | null;
}

/** Why a client-master call failed; `permanent` when repeating the same request cannot succeed. */
export class ClientMasterError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'ClientMasterError';
  }
}

/** The fan-out's view of client-master, so tests can give it a page source without HTTP. */
export interface ClientDirectory {
  selectClients(
    firmId: string,
    selection: ClientSelection,
    cursor: string | null,
    limit: number,
  ): Promise<ClientPage>;
  /** The ids, tags or offices of a selection that select no client of the firm (none for `all`). */
  unmatched(firmId: string, selection: ClientSelection): Promise<string[]>;
}

export const CLIENT_DIRECTORY = Symbol('CLIENT_DIRECTORY');

const TIMEOUT_MS = 15_000;

/** `POST /internal/v1/firms/{firmId}/clients/select` over HTTP (clients ordered by id, paged by cursor). */
@Injectable()
export class ClientMasterClient implements ClientDirectory {
  private readonly baseUrl: string;

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig) {
    this.baseUrl = config.CLIENT_MASTER_URL.replace(/\/+$/, '');
  }

  async selectClients(
    firmId: string,
    selection: ClientSelection,
    cursor: string | null,
    limit: number,
  ): Promise<ClientPage> {
    const parsed = ClientPageSchema.safeParse(
      await this.post(firmId, 'select', { selection, limit, cursor }),
    );
    if (!parsed.success) {
      throw new ClientMasterError(
        `client-master page has an unexpected shape: ${parsed.error.message}`,
        false,
      );
    }
    return parsed.data;
  }

  async unmatched(firmId: string, selection: ClientSelection): Promise<string[]> {
    const parsed = UnmatchedSchema.safeParse(await this.post(firmId, 'select/unmatched', { selection }));
    if (!parsed.success) {
      throw new ClientMasterError(
        `client-master answer has an unexpected shape: ${parsed.error.message}`,
        false,
      );
    }
    return parsed.data.unmatched;
  }

  private async post(firmId: string, path: string, body: unknown): Promise<unknown> {
    const url = `${this.baseUrl}/internal/v1/firms/${encodeURIComponent(firmId)}/clients/${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new ClientMasterError(
        `client-master unreachable: ${e instanceof Error ? e.message : String(e)}`,
        false,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      throw new ClientMasterError(`client-master answered ${res.status}: ${text.slice(0, 500)}`, permanent);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ClientMasterError('client-master answered with invalid JSON', false);
    }
  }
}
