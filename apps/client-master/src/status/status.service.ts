import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { ClientsService } from '../clients/clients.service';
import { NotFoundProblem } from '../problems/problem';
import type { StatusCellDto } from './status-cell.entity';
import { StatusCellEntity, toStatusCellDto } from './status-cell.entity';

@Injectable()
export class StatusService {
  constructor(
    @InjectRepository(StatusCellEntity) private readonly cells: Repository<StatusCellEntity>,
    private readonly clients: ClientsService,
  ) {}

  /** A client's status grid row by row, in a stable order (category, subject, period). */
  async forClient(firmId: string, clientId: string): Promise<StatusCellDto[]> {
    if (!(await this.clients.exists(firmId, clientId)))
      throw new NotFoundProblem(`There is no client ${clientId}.`);
    const cells = await this.cells.find({
      where: { firmId, clientId },
      order: { category: 'ASC', subjectKind: 'ASC', subjectValue: 'ASC', period: 'ASC' },
    });
    return cells.map(toStatusCellDto);
  }
}
