import type { MasterFields, ObjectInput, StoredObject, VoucherFields } from './books.types';
import type { BooksCompany } from './books-company';

/** An object as JSON, refs as names: what `GET /_sandbox/books/{key}/objects` shows and bodies mirror. */
export type ObjectView = Record<string, unknown> & { type: string; guid: string; alterId: number };

function nameOf(company: BooksCompany, guid: string | undefined | null): string | undefined {
  return guid ? company.master(guid)?.name : undefined;
}

export function masterFieldsView(
  company: BooksCompany,
  o: Extract<StoredObject, { type: string }>,
): MasterFields {
  if (o.type === 'VOUCHER') return {};
  const f = { ...o.fields };
  if (o.type !== 'VOUCHERTYPE') f.parent = o.fields.parent ? nameOf(company, o.fields.parent) : undefined;
  if (f.currency) f.currency = nameOf(company, f.currency);
  if (f.baseUnits) f.baseUnits = nameOf(company, f.baseUnits);
  for (const key of Object.keys(f) as (keyof MasterFields)[]) if (f[key] === undefined) delete f[key];
  return f;
}

export function voucherFieldsView(
  company: BooksCompany,
  o: Extract<StoredObject, { type: 'VOUCHER' }>,
): VoucherFields {
  const fields: VoucherFields = {
    voucherType: nameOf(company, o.voucherType) ?? '',
    date: o.date,
    voucherNumber: o.voucherNumber,
    narration: o.narration,
    ledgerEntries: o.ledgerEntries.map((e) => ({
      ledger: nameOf(company, e.ledger) ?? '',
      amount: e.amount,
      ...(e.costCentres.length > 0
        ? {
            costCentres: e.costCentres.map((c) => ({
              costCentre: nameOf(company, c.costCentre) ?? '',
              amount: c.amount,
            })),
          }
        : {}),
    })),
    inventoryEntries: o.inventoryEntries.map((e) => ({
      ...e,
      stockItem: nameOf(company, e.stockItem) ?? '',
    })),
  };
  if (o.partyLedger) fields.partyLedger = nameOf(company, o.partyLedger);
  return fields;
}

export function objectView(company: BooksCompany, o: StoredObject): ObjectView {
  if (o.type === 'VOUCHER') {
    return {
      type: o.type,
      guid: o.guid,
      voucherId: o.id,
      alterId: o.alterId,
      ...voucherFieldsView(company, o),
    };
  }
  return {
    type: o.type,
    guid: o.guid,
    masterId: o.id,
    alterId: o.alterId,
    name: o.name,
    reserved: o.reserved,
    ...masterFieldsView(company, o),
  };
}

/** The object's current state as an import input (to merge a partial change over). */
export function inputOf(company: BooksCompany, o: StoredObject): ObjectInput {
  if (o.type === 'VOUCHER') return { type: 'VOUCHER', guid: o.guid, fields: voucherFieldsView(company, o) };
  return { type: o.type, guid: o.guid, name: o.name, fields: masterFieldsView(company, o) };
}
