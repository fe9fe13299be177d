import { HttpStatus, Injectable } from '@nestjs/common';
import type { ValidationProblem } from '@practice-sync/problems';
import { DomainException, NotFoundProblem } from '@practice-sync/problems';
import type { ZodError } from 'zod';

import { invalidRequest, SandboxProblemCode } from '../common/sandbox.exception';
import { fieldErrors } from '../control/control.dto';
import { rngFor } from '../world/prng';
import { WorldService } from '../world/world.service';
import type { ObjectActionRequestDto } from './books.dto';
import { masterBodySchema, voucherBodySchema } from './books.dto';
import type { ApplyOutcome, ImportAction, ObjectInput, ObjectType } from './books.types';
import { OBJECT_TYPES } from './books.types';
import type { BooksCompany } from './books-company';
import { seedCompany } from './books-seed';
import { staffAlter, staffCreate, staffRename } from './books-staff';
import type { ObjectView } from './books-view';
import { inputOf, objectView } from './books-view';

/** A 400 naming each bad field of a control call's `body` as `body.<field>`. */
function bodyProblem(what: string, error: ZodError): ValidationProblem {
  const errors = fieldErrors(error, 'body').map((e) => ({
    ...e,
    field: e.field === 'body' ? e.field : `body.${e.field}`,
  }));
  return invalidRequest(`${what} body: invalid`, errors);
}

/** The sandbox's books servers: one in-memory company per key, and which of them are offline. */
@Injectable()
export class BooksService {
  private readonly companies = new Map<string, BooksCompany>();
  private readonly offline = new Set<string>();

  constructor(private readonly world: WorldService) {}

  create(key: string, name: string, vouchers: number): BooksCompany {
    if (this.companies.has(key)) {
      throw new DomainException({
        code: SandboxProblemCode.Conflict,
        status: HttpStatus.CONFLICT,
        title: 'Company exists',
        detail: `A books company with key "${key}" exists already`,
      });
    }
    const company = seedCompany(this.world.seed, key, name, vouchers, this.world.now());
    this.companies.set(key, company);
    return company;
  }

  find(key: string): BooksCompany | undefined {
    return this.companies.get(key);
  }

  get(key: string): BooksCompany {
    const company = this.companies.get(key);
    if (!company) throw new NotFoundProblem(`No books company with key "${key}"`, 'Not Found');
    return company;
  }

  isOffline(key: string): boolean {
    return this.offline.has(key);
  }

  setOffline(key: string, offline: boolean): void {
    this.get(key);
    if (offline) this.offline.add(key);
    else this.offline.delete(key);
  }

  list(key: string, type: ObjectType | undefined): ObjectView[] {
    const company = this.get(key);
    const views: ObjectView[] = [];
    for (const t of type ? [type] : OBJECT_TYPES)
      for (const o of company.changed(t)) views.push(objectView(company, o));
    return views;
  }

  /** A staff action in the books, through the same rules as an XML import; Tally's error becomes a 422. */
  act(key: string, request: ObjectActionRequestDto): ObjectView {
    const company = this.get(key);
    const type = request.type as ObjectType;
    const rng = rngFor(this.world.seed, 'books-staff', key, company.lastAlterId);
    let action: ImportAction = 'Alter';
    let input: ObjectInput;
    if (request.action === 'create') {
      action = 'Create';
      const made = request.body
        ? this.fromBody(type, request.body)
        : staffCreate(company, type, rng, this.world.now());
      if (!made) {
        throw new DomainException({
          code: SandboxProblemCode.Conflict,
          status: HttpStatus.CONFLICT,
          title: 'Nothing to make it from',
          detail: 'These books lack the voucher type, ledgers or stock items a voucher needs; give a body',
        });
      }
      input = { ...made, guid: request.guid };
    } else {
      const current = company.get(request.guid as string);
      if (!current || current.type !== type) {
        throw new NotFoundProblem(`No ${type.toLowerCase()} with GUID "${request.guid}"`, 'Not Found');
      }
      if (request.action === 'delete') action = 'Delete';
      input = inputOf(company, current);
      if (request.action === 'rename' && input.type !== 'VOUCHER') {
        const name = request.body?.name;
        input = {
          ...input,
          name: typeof name === 'string' && name.trim() ? name.trim() : staffRename(company, current),
        };
      } else if (request.action === 'alter') {
        input = request.body
          ? this.merge(input, this.fromBody(type, request.body))
          : staffAlter(company, current, rng);
      }
    }
    return this.outcome(company, company.apply(action, input));
  }

  reset(): void {
    this.companies.clear();
    this.offline.clear();
  }

  private outcome(company: BooksCompany, outcome: ApplyOutcome): ObjectView {
    if (outcome.kind === 'error') {
      throw new DomainException({
        code: SandboxProblemCode.Unprocessable,
        status: HttpStatus.UNPROCESSABLE_ENTITY,
        title: 'Rejected by the books',
        detail: outcome.error,
      });
    }
    const stored = company.get(outcome.object.guid);
    if (stored) return { ...objectView(company, stored), outcome: outcome.kind };
    const gone = company.tombstone(outcome.object.guid);
    return {
      type: outcome.object.type,
      guid: outcome.object.guid,
      alterId: outcome.object.alterId,
      name: gone?.name,
      deleted: true,
      outcome: outcome.kind,
    };
  }

  private fromBody(type: ObjectType, body: Record<string, unknown>): ObjectInput {
    if (type === 'VOUCHER') {
      const parsed = voucherBodySchema.safeParse(body);
      if (!parsed.success) throw bodyProblem('Voucher', parsed.error);
      const f = parsed.data;
      return {
        type,
        fields: { voucherType: '', date: '', voucherNumber: '', ledgerEntries: [], ...f },
      };
    }
    const parsed = masterBodySchema.safeParse(body);
    if (!parsed.success) throw bodyProblem('Master', parsed.error);
    const { name, ...fields } = parsed.data;
    return { type, name: name ?? '', fields };
  }

  /** A partial body over the object's current state (only the fields given change). */
  private merge(current: ObjectInput, change: ObjectInput): ObjectInput {
    if (current.type === 'VOUCHER' && change.type === 'VOUCHER') {
      const given = Object.fromEntries(
        Object.entries(change.fields).filter(([, v]) => v !== '' && !(Array.isArray(v) && v.length === 0)),
      );
      return { ...current, fields: { ...current.fields, ...given } };
    }
    if (current.type !== 'VOUCHER' && change.type !== 'VOUCHER') {
      return {
        ...current,
        name: change.name || current.name,
        fields: { ...current.fields, ...change.fields },
      };
    }
    return current;
  }
}
