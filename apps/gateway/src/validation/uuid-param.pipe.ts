import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { ValidationProblem } from '@practice-sync/problems';
import { isUUID } from 'class-validator';

/** Path ids are UUIDs; anything else is a 400 naming the parameter, before any upstream call. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (isUUID(value)) return value.toLowerCase();
    throw new ValidationProblem([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
  }
}
