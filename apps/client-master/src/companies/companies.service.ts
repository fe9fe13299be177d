import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundProblem, ValidationProblem } from '@practice-sync/problems';
import type { CreateCompanyRequestDto, UpdateCompanyRequestDto } from '@practice-sync/validation';
import type { EntityManager } from 'typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';

import { BranchLinkEntity } from '../branch-links/branch-link.entity';
import { ClientEntity } from '../clients/client.entity';
import type { Page, PageRequest } from '../common/cursor';
import { keysetPage } from '../common/cursor';
import { CompanyInUseProblem, UnknownReferenceProblem } from './branch-sync.problems';
import type { CompanyDto } from './company.entity';
import { CompanyEntity, toCompanyDto } from './company.entity';

/** The firm's companies (sets of books), a branch link's two ends. */
@Injectable()
export class CompaniesService {
  constructor(@InjectRepository(CompanyEntity) private readonly companies: Repository<CompanyEntity>) {}

  async create(firmId: string, input: CreateCompanyRequestDto, now = new Date()): Promise<CompanyDto> {
    if (input.clientId) await this.assertClient(this.companies.manager, firmId, input.clientId);
    const entity = Object.assign(new CompanyEntity(), {
      id: uuidv7(),
      firmId,
      clientId: input.clientId?.toLowerCase() ?? null,
      name: input.name,
      role: input.role,
      booksUrl: input.booksUrl,
      createdAt: now,
      updatedAt: now,
    });
    await this.companies.insert(entity);
    return toCompanyDto(entity);
  }

  list(firmId: string, page: PageRequest): Promise<Page<CompanyDto>> {
    const qb = this.companies.createQueryBuilder('c').where('c.firmId = :firmId', { firmId });
    return keysetPage(qb, 'c', page, toCompanyDto);
  }

  async get(firmId: string, id: string): Promise<CompanyDto> {
    return toCompanyDto(await this.find(firmId, id));
  }

  async update(
    firmId: string,
    id: string,
    patch: UpdateCompanyRequestDto,
    now = new Date(),
  ): Promise<CompanyDto> {
    const entity = await this.find(firmId, id);
    const next: Partial<CompanyEntity> = {};
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.role !== undefined) next.role = patch.role;
    if (patch.booksUrl !== undefined) next.booksUrl = patch.booksUrl;
    if (patch.clientId !== undefined) next.clientId = patch.clientId?.toLowerCase() ?? null;
    if (Object.keys(next).length === 0) {
      throw new ValidationProblem([{ field: 'body', message: 'must change at least one field' }]);
    }
    if (next.clientId) await this.assertClient(this.companies.manager, firmId, next.clientId);
    Object.assign(entity, next, { updatedAt: now });
    await this.companies.update({ id, firmId }, { ...next, updatedAt: now });
    return toCompanyDto(entity);
  }

  /** Deletes a company that is in no link; otherwise a 409 naming the links (the foreign keys agree). */
  async remove(firmId: string, id: string): Promise<void> {
    await this.companies.manager.transaction(async (manager) => {
      const company = await manager
        .createQueryBuilder(CompanyEntity, 'c')
        .where('c.firmId = :firmId AND c.id = :id', { firmId, id })
        .setLock('pessimistic_write')
        .getOne();
      if (!company) throw new NotFoundProblem(`There is no company ${id}.`);
      const links = await manager
        .createQueryBuilder(BranchLinkEntity, 'l')
        .select('l.id', 'id')
        .where('l.clientCompanyId = :id OR l.serverCompanyId = :id', { id })
        .orderBy('l.id')
        .getRawMany<{ id: string }>();
      if (links.length > 0)
        throw new CompanyInUseProblem(
          id,
          links.map((l) => l.id),
        );
      await manager.delete(CompanyEntity, { id, firmId });
    });
  }

  /** The firm's companies among `ids`, locked against deletion until the caller's transaction ends. */
  async lockedCompanies(manager: EntityManager, firmId: string, ids: string[]): Promise<CompanyEntity[]> {
    return manager
      .createQueryBuilder(CompanyEntity, 'c')
      .where('c.firmId = :firmId AND c.id = ANY(:ids::uuid[])', { firmId, ids })
      .setLock('pessimistic_read')
      .getMany();
  }

  private async find(firmId: string, id: string): Promise<CompanyEntity> {
    const company = await this.companies.findOneBy({ firmId, id });
    if (!company) throw new NotFoundProblem(`There is no company ${id}.`);
    return company;
  }

  private async assertClient(manager: EntityManager, firmId: string, clientId: string): Promise<void> {
    const found = await manager
      .createQueryBuilder(ClientEntity, 'c')
      .where('c.firmId = :firmId AND c.id = :clientId AND c.deletedAt IS NULL', { firmId, clientId })
      .getCount();
    if (found === 0) {
      throw new UnknownReferenceProblem(
        'clientId',
        'a client',
        'use the id of one of its clients (GET /v1/clients)',
      );
    }
  }
}
