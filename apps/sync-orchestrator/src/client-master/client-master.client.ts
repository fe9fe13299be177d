import { Inject, Injectable } from '@nestjs/common';
import { BooksClasses, BooksRuleSchema, LinkModes, LinkStates, RuleStatuses } from '@practice-sync/contracts';
import { DomainException, UpstreamProblem } from '@practice-sync/problems';
import { ServiceHttpClient } from '@practice-sync/service-http';
import { z } from 'zod';

import type { OrchestratorConfig } from '../config/orchestrator.config';
import { ORCHESTRATOR_CONFIG } from '../config/orchestrator.config';
import type { SelectedLink } from '../fan-out/link-job-planner';
import type { ClientIdentifiers } from '../runs/planned-job';
import type { ClientSelection, LinkSelection } from '../runs/run-scope';

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

const CompanyRefSchema = z.object({ id: z.string().uuid(), booksUrl: z.string().url() });

/** A page of branch links as a run needs them (client-master's `…/branch-links/select`). */
const LinkPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string().uuid(),
      mode: z.enum(LinkModes).default('online'),
      state: z.enum(LinkStates).optional(),
      clientCompany: CompanyRefSchema,
      serverCompany: CompanyRefSchema,
      rules: z.array(BooksRuleSchema),
      inactiveRules: z
        .array(
          z.object({
            id: z.string().uuid(),
            class: z.enum(BooksClasses),
            status: z.enum(RuleStatuses),
            reason: z.string().nullable(),
          }),
        )
        .default([]),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const UnmatchedSchema = z.object({ unmatched: z.array(z.string()) });

export interface ClientPage {
  items: ClientIdentifiers[];
  nextCursor: string | null;
}

export interface LinkPage {
  items: SelectedLink[];
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
  /** A page of a branch sync run's links (by id), with both books servers and their rules. */
  selectLinks(
    firmId: string,
    selection: LinkSelection,
    cursor: string | null,
    limit: number,
  ): Promise<LinkPage>;
  /** The ids of a link selection that are no link of the firm (none for `all`). */
  unmatchedLinks(firmId: string, selection: LinkSelection): Promise<string[]>;
}

export const CLIENT_DIRECTORY = Symbol('CLIENT_DIRECTORY');

/** `POST /internal/v1/firms/{firmId}/clients/select` over HTTP (clients ordered by id, paged by cursor). */
@Injectable()
export class ClientMasterClient implements ClientDirectory {
  private readonly http: ServiceHttpClient;

  constructor(@Inject(ORCHESTRATOR_CONFIG) config: OrchestratorConfig) {
    this.http = new ServiceHttpClient({
      name: 'client-master',
      baseUrl: config.CLIENT_MASTER_URL,
      timeoutMs: config.CLIENT_MASTER_TIMEOUT_MS,
    });
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

  async selectLinks(
    firmId: string,
    selection: LinkSelection,
    cursor: string | null,
    limit: number,
  ): Promise<LinkPage> {
    const parsed = LinkPageSchema.safeParse(
      await this.post(firmId, 'select', { selection, limit, cursor }, 'branch-links'),
    );
    if (!parsed.success) {
      throw new ClientMasterError(
        `client-master link page has an unexpected shape: ${parsed.error.message}`,
        false,
      );
    }
    return parsed.data;
  }

  async unmatchedLinks(firmId: string, selection: LinkSelection): Promise<string[]> {
    return this.unmatchedOf(firmId, selection, 'branch-links');
  }

  async unmatched(firmId: string, selection: ClientSelection): Promise<string[]> {
    return this.unmatchedOf(firmId, selection, 'clients');
  }

  private async unmatchedOf(
    firmId: string,
    selection: ClientSelection | LinkSelection,
    resource: 'clients' | 'branch-links',
  ): Promise<string[]> {
    const parsed = UnmatchedSchema.safeParse(
      await this.post(firmId, 'select/unmatched', { selection }, resource),
    );
    if (!parsed.success) {
      throw new ClientMasterError(
        `client-master answer has an unexpected shape: ${parsed.error.message}`,
        false,
      );
    }
    return parsed.data.unmatched;
  }

  /** Both calls only read (a POST for the size of a selection), so the client may retry them. */
  private async post(
    firmId: string,
    path: string,
    body: unknown,
    resource: 'clients' | 'branch-links' = 'clients',
  ): Promise<unknown> {
    try {
      return await this.http.request<unknown>({
        method: 'POST',
        path: `/internal/v1/firms/${encodeURIComponent(firmId)}/${resource}/${path}`,
        body,
        idempotent: true,
      });
    } catch (e) {
      throw clientMasterError(e);
    }
  }
}

/** An upstream 4xx (but a timeout or rate limit) cannot succeed by repeating; the rest may. */
function clientMasterError(e: unknown): ClientMasterError {
  if (!(e instanceof DomainException))
    return new ClientMasterError(`client-master call failed: ${String(e)}`, false);
  const status = e.getStatus();
  if (e instanceof UpstreamProblem) {
    const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
    return new ClientMasterError(`client-master answered ${status}: ${e.detail}`, permanent);
  }
  return new ClientMasterError(`client-master unreachable or failing: ${e.detail}`, false);
}
