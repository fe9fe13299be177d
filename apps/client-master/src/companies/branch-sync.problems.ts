import { HttpStatus } from '@nestjs/common';
import { DomainException } from '@practice-sync/problems';

/** client-master's own problem codes for branch sync (`…/problems/<code>`); never rename one. */
export enum BranchSyncProblemCode {
  /** An id in a request body that names nothing of the firm (a company, client or rule): 422 naming the field. */
  UnknownReference = 'unknown-reference',
  /** A link for the same client and server company exists already. */
  DuplicateLink = 'duplicate-link',
  /** A company still in links cannot be deleted; the problem lists them (`links`). */
  CompanyInUse = 'company-in-use',
}

/** 422: `field` holds an id that is not one of the firm's (whether it exists elsewhere is never told). */
export class UnknownReferenceProblem extends DomainException<BranchSyncProblemCode> {
  constructor(field: string, what: string, fix: string) {
    super({
      code: BranchSyncProblemCode.UnknownReference,
      status: HttpStatus.UNPROCESSABLE_ENTITY,
      title: 'The request names something that does not exist',
      detail: `${field}: is not ${what} of this firm; ${fix}`,
      errors: [{ field, message: `is not ${what} of this firm; ${fix}` }],
    });
  }
}

export class DuplicateLinkProblem extends DomainException<BranchSyncProblemCode> {
  constructor(existingId: string) {
    super({
      code: BranchSyncProblemCode.DuplicateLink,
      status: HttpStatus.CONFLICT,
      title: 'This link exists already',
      detail:
        `Link ${existingId} already joins this client company to this server company; ` +
        'change its rules with PATCH /v1/branch-links/{id} instead.',
      extras: { linkId: existingId },
    });
  }
}

export class CompanyInUseProblem extends DomainException<BranchSyncProblemCode> {
  constructor(companyId: string, links: string[]) {
    super({
      code: BranchSyncProblemCode.CompanyInUse,
      status: HttpStatus.CONFLICT,
      title: 'The company is in links',
      detail: `Company ${companyId} is in the links ${links.join(', ')}; delete them first.`,
      extras: { links },
    });
  }
}
