import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';

import type { Page } from '../common/cursor';
import type { ClientDto } from './client.entity';
import type { ClientIdentifierDto } from './clients.service';
import { ClientsService } from './clients.service';
import type { BulkRowResult } from './dto/bulk-clients.dto';
import { BulkClientsDto } from './dto/bulk-clients.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQueryDto } from './dto/list-clients.dto';
import { parseSelection, SelectClientsDto, UnmatchedSelectionDto } from './dto/select-clients.dto';
import { UpdateClientDto } from './dto/update-client.dto';

/** Internal API (cluster only, no auth yet): the gateway and the orchestrator call it with the caller's firm. */
@Controller('internal/v1/firms/:firmId/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  create(@Param('firmId', ParseUUIDPipe) firmId: string, @Body() body: CreateClientDto): Promise<ClientDto> {
    return this.clients.create(firmId, body);
  }

  @Get()
  list(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Query() query: ListClientsQueryDto,
  ): Promise<Page<ClientDto>> {
    return this.clients.list(firmId, query);
  }

  @Post('select')
  @HttpCode(HttpStatus.OK)
  select(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: SelectClientsDto,
  ): Promise<Page<ClientDto>> {
    return this.clients.select(firmId, parseSelection(body.selection), {
      limit: body.limit,
      cursor: body.cursor,
    });
  }

  /** The values of a selection that select no client of the firm (a run refuses them, naming each). */
  @Post('select/unmatched')
  @HttpCode(HttpStatus.OK)
  async unmatched(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: UnmatchedSelectionDto,
  ): Promise<{ unmatched: string[] }> {
    return { unmatched: await this.clients.unmatched(firmId, parseSelection(body.selection)) };
  }

  @Get(':id')
  get(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ClientDto> {
    return this.clients.get(firmId, id);
  }

  @Post('bulk')
  @HttpCode(HttpStatus.OK)
  bulk(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: BulkClientsDto,
  ): Promise<{ items: BulkRowResult[] }> {
    return this.clients.bulk(firmId, body.rows);
  }

  @Patch(':id')
  update(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateClientDto,
  ): Promise<ClientDto> {
    return this.clients.update(firmId, id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    return this.clients.remove(firmId, id);
  }
}

/** The firm's portal identifiers, for the gateway's view of access that is missing. */
@Controller('internal/v1/firms/:firmId/identifiers')
export class IdentifiersController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  list(@Param('firmId', ParseUUIDPipe) firmId: string): Promise<{ items: ClientIdentifierDto[] }> {
    return this.clients.identifiers(firmId);
  }
}
