import type {
  BooksClass,
  BooksRuleDirection,
  CompanyRole,
  LinkMode,
  LinkState,
  RuleStatus,
} from '@practice-sync/contracts';

import type { CompanyEntity } from '../../companies/company.entity';
import type { BranchLinkEntity, BranchRuleEntity } from '../branch-link.entity';

/** A rule as the Link resource shows it (DESIGN.md "Branch sync"). */
export interface BranchRuleDto {
  id: string;
  class: BooksClass;
  types: string[];
  direction: BooksRuleDirection;
  fromDate: string | null;
  status: RuleStatus;
  reason: string | null;
}

/** The Link resource (internal wire contract, same shape as the public one). */
export interface BranchLinkDto {
  id: string;
  clientCompanyId: string;
  serverCompanyId: string;
  mode: LinkMode;
  rules: BranchRuleDto[];
  state: LinkState;
  held: { count: number; oldestAt: string | null };
  lastSyncAt: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toBranchRuleDto(r: BranchRuleEntity): BranchRuleDto {
  return {
    id: r.id,
    class: r.ruleClass,
    types: r.types,
    direction: r.direction,
    fromDate: r.fromDate,
    status: r.status,
    reason: r.reason,
  };
}

export function toBranchLinkDto(l: BranchLinkEntity, rules: BranchRuleEntity[]): BranchLinkDto {
  return {
    id: l.id,
    clientCompanyId: l.clientCompanyId,
    serverCompanyId: l.serverCompanyId,
    mode: l.mode,
    rules: rules.map(toBranchRuleDto),
    state: l.state,
    held: { count: l.heldCount, oldestAt: l.heldOldestAt?.toISOString() ?? null },
    lastSyncAt: l.lastSyncAt?.toISOString() ?? null,
    error: l.error,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

/** One end of a selected link: where its books server answers. */
export interface SelectedCompanyDto {
  id: string;
  name: string;
  role: CompanyRole;
  booksUrl: string;
  clientId: string | null;
}

/**
 * A link as a branch sync run needs it (the orchestrator's selection): both companies with their books
 * servers, and only the rules the server side activated (nothing else may move).
 */
export interface SelectedBranchLinkDto {
  id: string;
  mode: LinkMode;
  state: LinkState;
  clientCompany: SelectedCompanyDto;
  serverCompany: SelectedCompanyDto;
  rules: Omit<BranchRuleDto, 'status' | 'reason'>[];
  /**
   * The rules that move nothing (proposed, or rejected with the server side's reason): the run log says why a
   * class of the link was skipped.
   */
  inactiveRules: Pick<BranchRuleDto, 'id' | 'class' | 'status' | 'reason'>[];
}

function toSelectedCompany(c: CompanyEntity): SelectedCompanyDto {
  return { id: c.id, name: c.name, role: c.role, booksUrl: c.booksUrl, clientId: c.clientId };
}

export function toSelectedBranchLinkDto(
  l: BranchLinkEntity & { clientCompany: CompanyEntity; serverCompany: CompanyEntity },
  rules: BranchRuleEntity[],
): SelectedBranchLinkDto {
  return {
    id: l.id,
    mode: l.mode,
    state: l.state,
    clientCompany: toSelectedCompany(l.clientCompany),
    serverCompany: toSelectedCompany(l.serverCompany),
    rules: rules
      .filter((r) => r.status === 'active')
      .map((r) => ({
        id: r.id,
        class: r.ruleClass,
        types: r.types,
        direction: r.direction,
        fromDate: r.fromDate,
      })),
    inactiveRules: rules
      .filter((r) => r.status !== 'active')
      .map((r) => ({ id: r.id, class: r.ruleClass, status: r.status, reason: r.reason })),
  };
}
