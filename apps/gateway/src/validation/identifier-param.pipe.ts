import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ValidationProblem } from '@practice-sync/problems';

/** A PAN or GSTIN in the path: upper-cased and checked (incl. the GSTIN check character) before any call. */
export class IdentifierParamPipe implements PipeTransform<string, string> {
  constructor(private readonly problem: (value: string) => string | null) {}

  transform(value: string, metadata: ArgumentMetadata): string {
    const normalised = String(value).trim().toUpperCase();
    const problem = this.problem(normalised);
    if (!problem) return normalised;
    throw new ValidationProblem([{ field: metadata.data ?? 'id', message: problem }]);
  }
}
