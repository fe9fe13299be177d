import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';

import { BooksStore } from '../sync/books-store';

/**
 * `GET /internal/v1/firms/{firmId}/jobs/{jobId}/object-errors`: each object a receiving company refused in
 * the job, with Tally's own error text (it names ledgers, so it is never on Kafka), for the run log. Only
 * the firm's own jobs answer; another firm's job id reads as empty.
 */
@Controller('internal/v1/firms/:firmId/jobs/:jobId/object-errors')
export class ObjectErrorsController {
  constructor(private readonly store: BooksStore) {}

  @Get()
  async list(@Param('firmId') firmId: string, @Param('jobId', new ParseUUIDPipe()) jobId: string) {
    return { items: await this.store.errorsOf(firmId, jobId) };
  }
}
