import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundProblem, ValidationProblem } from '@practice-sync/problems';
import type {
  BranchRuleRequestDto,
  CreateBranchLinkRequestDto,
  UpdateBranchLinkRequestDto,
} from '@practice-sync/validation';
import { MAX_RULES_PER_LINK } from '@practice-sync/validation';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import type { Page, PageRequest } from '../common/cursor';
import { keysetPage } from '../common/cursor';
import { DuplicateLinkProblem, UnknownReferenceProblem } from '../companies/branch-sync.problems';
import { CompaniesService } from '../companies/companies.service';
import type { CompanyEntity } from '../companies/company.entity';
import { BranchLinkEntity, BranchRuleEntity } from './branch-link.entity';
import type { BranchLinkDto, SelectedBranchLinkDto } from './dto/branch-link.dto';
import { toBranchLinkDto, toSelectedBranchLinkDto } from './dto/branch-link.dto';
import type { BranchLinkSelection } from './dto/select-branch-links.dto';
import { enqueueLinkChanges } from './link-events';
import type { RuleDecision } from './rule-decision';
import { decideRule } from './rule-decision';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPANY_FIX = 'use the id of one of its companies (GET /v1/companies)';

/** Links between the firm's companies and their rules (proposed by the client side, decided by the server). */
@Injectable()
export class BranchLinksService {
  constructor(
    @InjectRepository(BranchLinkEntity) private readonly links: Repository<BranchLinkEntity>,
    private readonly companies: CompaniesService,
  ) {}

  async create(firmId: string, input: CreateBranchLinkRequestDto, now = new Date()): Promise<BranchLinkDto> {
    return this.links.manager.transaction(async (manager) => {
      const clientCompanyId = input.clientCompanyId.toLowerCase();
      const serverCompanyId = input.serverCompanyId.toLowerCase();
      // Locked (shared) so neither company is deleted before the link exists.
      const found = await this.companies.lockedCompanies(manager, firmId, [clientCompanyId, serverCompanyId]);
      for (const [field, id] of [
        ['clientCompanyId', clientCompanyId],
        ['serverCompanyId', serverCompanyId],
      ] as const) {
        if (!found.some((c) => c.id === id))
          throw new UnknownReferenceProblem(field, 'a company', COMPANY_FIX);
      }
      const link = Object.assign(new BranchLinkEntity(), {
        id: uuidv7(),
        firmId,
        clientCompanyId,
        serverCompanyId,
        mode: input.mode,
        state: 'online',
        heldCount: 0,
        heldOldestAt: null,
        lastSyncAt: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      } satisfies Partial<BranchLinkEntity>);
      // The (client, server) unique constraint decides a duplicate, also between concurrent requests.
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(BranchLinkEntity)
        .values(link)
        .orIgnore()
        .returning(['id'])
        .execute();
      if ((inserted.raw as unknown[]).length === 0) {
        const existing = await manager.findOneByOrFail(BranchLinkEntity, {
          clientCompanyId,
          serverCompanyId,
        });
        throw new DuplicateLinkProblem(existing.id);
      }
      const rules = await this.insertRules(manager, link.id, input.rules, now);
      const dto = toBranchLinkDto(link, rules);
      await enqueueLinkChanges(manager, dto, [{ change: 'created', ruleIds: rules.map((r) => r.id) }], {
        firmId,
        now,
      });
      return dto;
    });
  }

  async list(firmId: string, page: PageRequest): Promise<Page<BranchLinkDto>> {
    const qb = this.links.createQueryBuilder('l').where('l.firmId = :firmId', { firmId });
    const result = await keysetPage(qb, 'l', page, (l) => l);
    const rules = await this.rulesOf(
      this.links.manager,
      result.items.map((l) => l.id),
    );
    return {
      items: result.items.map((l) => toBranchLinkDto(l, rules.get(l.id) ?? [])),
      nextCursor: result.nextCursor,
    };
  }

  async get(firmId: string, id: string): Promise<BranchLinkDto> {
    const link = await this.links.findOneBy({ firmId, id });
    if (!link) throw new NotFoundProblem(`There is no branch link ${id}.`);
    return this.withRules(this.links.manager, link);
  }

  /** Changes the mode, removes rules by id and adds rules (proposed), in one transaction. */
  async update(
    firmId: string,
    id: string,
    patch: UpdateBranchLinkRequestDto,
    now = new Date(),
  ): Promise<BranchLinkDto> {
    if (patch.mode === undefined && patch.addRules === undefined && patch.removeRuleIds === undefined) {
      throw new ValidationProblem([
        { field: 'body', message: 'must change at least one of mode, addRules, removeRuleIds' },
      ]);
    }
    return this.links.manager.transaction(async (manager) => {
      const link = await this.locked(manager, firmId, id);
      const current = (await this.rulesOf(manager, [id])).get(id) ?? [];
      const remove = (patch.removeRuleIds ?? []).map((r) => r.toLowerCase());
      remove.forEach((ruleId, i) => {
        if (!current.some((r) => r.id === ruleId)) {
          throw new UnknownReferenceProblem(
            `removeRuleIds[${i}]`,
            'a rule of this link',
            `use the id of one of its rules (GET /v1/branch-links/${id})`,
          );
        }
      });
      const kept = current.length - new Set(remove).size + (patch.addRules?.length ?? 0);
      if (kept > MAX_RULES_PER_LINK) {
        throw new ValidationProblem([
          {
            field: 'addRules',
            message: `would give the link ${kept} rules; it holds at most ${MAX_RULES_PER_LINK}`,
          },
        ]);
      }
      if (remove.length > 0)
        await manager.delete(
          BranchRuleEntity,
          remove.map((ruleId) => ({ id: ruleId, linkId: id })),
        );
      const added = patch.addRules ? await this.insertRules(manager, id, patch.addRules, now) : [];
      const modeChanged = patch.mode !== undefined && patch.mode !== link.mode;
      if (patch.mode !== undefined) link.mode = patch.mode;
      link.updatedAt = now;
      await manager.update(BranchLinkEntity, { id }, { mode: link.mode, updatedAt: now });
      const dto = await this.withRules(manager, link);
      await enqueueLinkChanges(
        manager,
        dto,
        [
          ...(modeChanged ? [{ change: 'mode_changed' as const }] : []),
          ...(remove.length > 0 ? [{ change: 'rules_removed' as const, ruleIds: [...new Set(remove)] }] : []),
          ...(added.length > 0
            ? [{ change: 'rules_proposed' as const, ruleIds: added.map((r) => r.id) }]
            : []),
        ],
        { firmId, now },
      );
      return dto;
    });
  }

  /** Deletes the link with its rules, and announces it, in one transaction. */
  async remove(firmId: string, id: string, now = new Date()): Promise<void> {
    await this.links.manager.transaction(async (manager) => {
      const link = await this.locked(manager, firmId, id);
      const dto = await this.withRules(manager, link);
      await manager.delete(BranchLinkEntity, { firmId, id });
      await enqueueLinkChanges(manager, dto, [{ change: 'deleted' }], { firmId, now });
    });
  }

  /** The server side activates or rejects one of the link's rules (see `decideRule` for re-decisions). */
  async decide(
    firmId: string,
    linkId: string,
    ruleId: string,
    decision: RuleDecision,
    now = new Date(),
  ): Promise<BranchLinkDto> {
    return this.links.manager.transaction(async (manager) => {
      const link = await this.locked(manager, firmId, linkId);
      const rule = await manager.findOneBy(BranchRuleEntity, { id: ruleId, linkId });
      if (!rule) throw new NotFoundProblem(`Branch link ${linkId} has no rule ${ruleId}.`);
      const verdict = decideRule(rule, decision);
      if (verdict.changed) {
        await manager.update(
          BranchRuleEntity,
          { id: ruleId },
          { status: verdict.status, reason: verdict.reason, updatedAt: now },
        );
      }
      const dto = await this.withRules(manager, link);
      // Announced when the status moves (a new rejection reason alone is not: events carry no reasons).
      if (verdict.status !== rule.status) {
        const change = decision.kind === 'activate' ? 'rule_activated' : 'rule_rejected';
        await enqueueLinkChanges(manager, dto, [{ change, ruleIds: [ruleId] }], { firmId, now });
      }
      return dto;
    });
  }

  /** A page of the links a branch sync run selects, with both books servers and only active rules. */
  async select(
    firmId: string,
    selection: BranchLinkSelection,
    page: PageRequest,
  ): Promise<Page<SelectedBranchLinkDto>> {
    const qb = this.links
      .createQueryBuilder('l')
      .innerJoinAndSelect('l.clientCompany', 'cc')
      .innerJoinAndSelect('l.serverCompany', 'sc')
      .where('l.firmId = :firmId', { firmId });
    if ('ids' in selection) {
      qb.andWhere('l.id = ANY(:ids::uuid[])', { ids: selection.ids.filter((v) => UUID.test(v)) });
    }
    const result = await keysetPage(qb as SelectQueryBuilder<Joined>, 'l', page, (l) => l);
    const rules = await this.rulesOf(
      this.links.manager,
      result.items.map((l) => l.id),
    );
    return {
      items: result.items.map((l) => toSelectedBranchLinkDto(l, rules.get(l.id) ?? [])),
      nextCursor: result.nextCursor,
    };
  }

  /** The ids of a selection that are no link of this firm (whether they exist elsewhere is never told). */
  async unmatched(firmId: string, selection: BranchLinkSelection): Promise<string[]> {
    if ('all' in selection) return [];
    const rows: { v: string }[] = await this.links.query(
      `SELECT v FROM unnest($2::text[]) WITH ORDINALITY AS s(v, n)
        WHERE NOT EXISTS (SELECT 1 FROM branch_links l WHERE l.firm_id = $1
                            AND l.id = CASE WHEN v ~* '${UUID.source}' THEN v::uuid END)
        ORDER BY n`,
      [firmId, selection.ids],
    );
    return [...new Set(rows.map((r) => r.v))];
  }

  private async locked(manager: EntityManager, firmId: string, id: string): Promise<BranchLinkEntity> {
    const link = await manager
      .createQueryBuilder(BranchLinkEntity, 'l')
      .where('l.firmId = :firmId AND l.id = :id', { firmId, id })
      .setLock('pessimistic_write')
      .getOne();
    if (!link) throw new NotFoundProblem(`There is no branch link ${id}.`);
    return link;
  }

  private async insertRules(
    manager: EntityManager,
    linkId: string,
    rules: BranchRuleRequestDto[],
    now: Date,
  ): Promise<BranchRuleEntity[]> {
    const entities = rules.map((r) =>
      Object.assign(new BranchRuleEntity(), {
        id: uuidv7(),
        linkId,
        ruleClass: r.class,
        types: [...new Set(r.types ?? [])],
        direction: r.direction,
        fromDate: r.fromDate ?? null,
        status: 'proposed',
        reason: null,
        createdAt: now,
        updatedAt: now,
      } satisfies Partial<BranchRuleEntity>),
    );
    if (entities.length > 0) await manager.insert(BranchRuleEntity, entities);
    return entities;
  }

  /** The rules of these links, each link's in creation order. */
  private async rulesOf(manager: EntityManager, linkIds: string[]): Promise<Map<string, BranchRuleEntity[]>> {
    const byLink = new Map<string, BranchRuleEntity[]>();
    if (linkIds.length === 0) return byLink;
    const rules = await manager
      .createQueryBuilder(BranchRuleEntity, 'r')
      .where('r.linkId = ANY(:linkIds::uuid[])', { linkIds })
      .orderBy('r.id', 'ASC')
      .getMany();
    for (const r of rules) byLink.set(r.linkId, [...(byLink.get(r.linkId) ?? []), r]);
    return byLink;
  }

  private async withRules(manager: EntityManager, link: BranchLinkEntity): Promise<BranchLinkDto> {
    return toBranchLinkDto(link, (await this.rulesOf(manager, [link.id])).get(link.id) ?? []);
  }
}

type Joined = BranchLinkEntity & { clientCompany: CompanyEntity; serverCompany: CompanyEntity };
