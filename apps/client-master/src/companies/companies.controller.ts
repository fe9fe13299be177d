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
import { CreateCompanyRequestDto, UpdateCompanyRequestDto } from '@practice-sync/validation';

import type { Page } from '../common/cursor';
import { PageQueryDto } from '../common/page-query.dto';
import { CompaniesService } from './companies.service';
import type { CompanyDto } from './company.entity';

/** Internal API (cluster only): the firm's companies, for the gateway's `/v1/companies`. */
@Controller('internal/v1/firms/:firmId/companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Post()
  create(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Body() body: CreateCompanyRequestDto,
  ): Promise<CompanyDto> {
    return this.companies.create(firmId, body);
  }

  @Get()
  list(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<CompanyDto>> {
    return this.companies.list(firmId, query);
  }

  @Get(':id')
  get(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<CompanyDto> {
    return this.companies.get(firmId, id);
  }

  @Patch(':id')
  update(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateCompanyRequestDto,
  ): Promise<CompanyDto> {
    return this.companies.update(firmId, id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(
    @Param('firmId', ParseUUIDPipe) firmId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    return this.companies.remove(firmId, id);
  }
}
