import { XMLBuilder } from 'fast-xml-parser';

import type { ApplyOutcome, StoredMaster, StoredObject, StoredVoucher, Tombstone } from './books.types';
import { MASTER_TYPES } from './books.types';
import type { AlterWindow, BooksCompany } from './books-company';
import type { ExportTarget } from './books-xml-request';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
});

type Node = Record<string, unknown>;

const amount = (n: number): string => n.toFixed(2);
const yesNo = (b: boolean): string => (b ? 'Yes' : 'No');

/** Tally's answer to anything it cannot read (malformed XML, an unknown TALLYREQUEST). */
export const UNKNOWN_REQUEST = '<RESPONSE>Unknown Request, cannot be processed</RESPONSE>';

/** An envelope-level error (unknown collection, wrong SVCURRENTCOMPANY): STATUS 0 and one LINEERROR. */
export function statusZero(message: string): string {
  return builder.build({
    ENVELOPE: { HEADER: { VERSION: 1, STATUS: 0 }, BODY: { DATA: { LINEERROR: message } } },
  }) as string;
}

function nameOf(company: BooksCompany, guid: string | undefined | null): string {
  return guid ? (company.master(guid)?.name ?? '') : '';
}

function masterNode(company: BooksCompany, m: StoredMaster): Node {
  const f = m.fields;
  const out: Node = {
    '@_NAME': m.name,
    '@_RESERVEDNAME': m.reserved ? m.name : '',
    GUID: m.guid,
    MASTERID: m.id,
    ALTERID: m.alterId,
  };
  const put = (tag: string, value: string | number | undefined): void => {
    if (value !== undefined) out[tag] = value;
  };
  if (m.type === 'GROUP' || m.type === 'LEDGER' || m.type === 'COSTCENTRE')
    put('PARENT', nameOf(company, f.parent));
  if (m.type === 'GROUP') put('NATURE', f.nature);
  if (m.type === 'VOUCHERTYPE') {
    put('PARENT', f.parent);
    put('NUMBERINGMETHOD', f.numbering);
  }
  if (m.type === 'COSTCENTRE') put('CATEGORY', 'Primary Cost Category');
  if (m.type === 'LEDGER') {
    if (f.currency) put('CURRENCYNAME', nameOf(company, f.currency));
    put('PARTYGSTIN', f.gstin);
    put('LEDSTATENAME', f.state);
    put('OPENINGBALANCE', f.openingBalance === undefined ? undefined : amount(f.openingBalance));
  }
  if (m.type === 'UNIT') {
    put('ORIGINALNAME', f.formalName);
    out.ISSIMPLEUNIT = 'Yes';
  }
  if (m.type === 'CURRENCY') put('EXPANDEDSYMBOL', f.formalName);
  if (m.type === 'UNIT' || m.type === 'CURRENCY') put('DECIMALPLACES', f.decimals);
  if (m.type === 'STOCKITEM') {
    if (f.baseUnits) put('BASEUNITS', nameOf(company, f.baseUnits));
    put('HSNCODE', f.hsn);
    put('GSTRATE', f.gstRate);
  }
  out['LANGUAGENAME.LIST'] = { 'NAME.LIST': { '@_TYPE': 'String', NAME: m.name } };
  return out;
}

function voucherNode(company: BooksCompany, v: StoredVoucher): Node {
  const type = nameOf(company, v.voucherType);
  const out: Node = {
    '@_REMOTEID': v.guid,
    '@_VCHTYPE': type,
    '@_OBJVIEW': v.inventoryEntries.length > 0 ? 'Invoice Voucher View' : 'Accounting Voucher View',
    DATE: v.date,
    GUID: v.guid,
    VOUCHERTYPENAME: type,
    VOUCHERNUMBER: v.voucherNumber,
    NARRATION: v.narration,
    MASTERID: v.id,
    VOUCHERID: v.id,
    ALTERID: v.alterId,
    ISINVOICE: yesNo(v.inventoryEntries.length > 0),
  };
  if (v.partyLedger) out.PARTYLEDGERNAME = nameOf(company, v.partyLedger);
  out['ALLLEDGERENTRIES.LIST'] = v.ledgerEntries.map((e) => {
    const entry: Node = {
      LEDGERNAME: nameOf(company, e.ledger),
      ISDEEMEDPOSITIVE: yesNo(e.amount < 0),
      AMOUNT: amount(e.amount),
    };
    if (e.costCentres.length > 0) {
      entry['CATEGORYALLOCATIONS.LIST'] = {
        CATEGORY: 'Primary Cost Category',
        'COSTCENTREALLOCATIONS.LIST': e.costCentres.map((c) => ({
          NAME: nameOf(company, c.costCentre),
          AMOUNT: amount(c.amount),
        })),
      };
    }
    return entry;
  });
  if (v.inventoryEntries.length > 0) {
    out['ALLINVENTORYENTRIES.LIST'] = v.inventoryEntries.map((e) => {
      const unit = nameOf(company, company.master(e.stockItem)?.fields.baseUnits);
      const qty = `${e.quantity}${unit ? ` ${unit}` : ''}`;
      return {
        STOCKITEMNAME: nameOf(company, e.stockItem),
        ISDEEMEDPOSITIVE: yesNo(e.amount < 0),
        RATE: `${amount(e.rate)}${unit ? `/${unit}` : ''}`,
        ACTUALQTY: qty,
        BILLEDQTY: qty,
        AMOUNT: amount(e.amount),
      };
    });
  }
  return out;
}

/** One object as Tally's XML, the same shape an import takes. */
export function objectXml(company: BooksCompany, o: StoredObject): string {
  const content = o.type === 'VOUCHER' ? voucherNode(company, o) : masterNode(company, o);
  return builder.build({ [o.type]: content }) as string;
}

/** A deleted object (sandbox convention; Tally exports no deletions). */
export function tombstoneXml(t: Tombstone): string {
  return builder.build({
    DELETEDOBJECT: { GUID: t.guid, OBJECTTYPE: t.type, NAME: t.name, MASTERID: t.id, ALTERID: t.alterId },
  }) as string;
}

function companyXml(company: BooksCompany): string {
  const { masters, vouchers } = company.highest();
  return builder.build({
    COMPANY: {
      '@_NAME': company.name,
      GUID: company.guid,
      NAME: company.name,
      ALTMSTID: masters,
      ALTVCHID: vouchers,
      LASTALTERID: company.lastAlterId,
    },
  }) as string;
}

const HEAD =
  '<ENVELOPE><HEADER><VERSION>1</VERSION><STATUS>1</STATUS></HEADER><BODY><DESC></DESC><DATA><COLLECTION>';
const TAIL = '</COLLECTION></DATA></BODY></ENVELOPE>';

/**
 * An export answer in pieces, so a 20,000-voucher answer is written object by object and never held
 * whole in memory. The window keeps objects whose ALTERID is in it, oldest change first.
 */
export function* exportXml(
  company: BooksCompany,
  target: ExportTarget,
  window: AlterWindow,
): Generator<string> {
  yield HEAD;
  if (target === 'COMPANY') yield companyXml(company);
  else if (target === 'DELETED') for (const t of company.deleted(window)) yield tombstoneXml(t);
  else {
    const types = target === 'ALLMASTERS' ? MASTER_TYPES : [target];
    for (const type of types) {
      const objects = company.changed(type, window);
      if (type === 'GROUP' || type === 'COSTCENTRE') parentsFirst(company, objects);
      for (const o of objects) yield objectXml(company, o);
    }
  }
  yield TAIL;
}

/**
 * Groups and cost centres come parents first (then by ALTERID), so an export imports in its own order even
 * after a parent was altered later than its child.
 */
function parentsFirst(company: BooksCompany, objects: StoredObject[]): void {
  const depth = (o: StoredObject): number => {
    let d = 0;
    for (
      let at = o.type === 'VOUCHER' ? undefined : o.fields.parent;
      at;
      at = company.master(at)?.fields.parent
    )
      d++;
    return d;
  };
  const depths = new Map(objects.map((o) => [o.guid, depth(o)]));
  objects.sort((a, b) => (depths.get(a.guid) ?? 0) - (depths.get(b.guid) ?? 0) || a.alterId - b.alterId);
}

/** Tally's import RESPONSE: the counters, then one LINEERROR per failed object (with its place). */
export function importResponseXml(
  outcomes: { outcome: ApplyOutcome; guid?: string }[],
  counters: { lastMasterId: number; lastVoucherId: number },
): string {
  const count = (kind: ApplyOutcome['kind']): number =>
    outcomes.filter((o) => o.outcome.kind === kind).length;
  const errors = outcomes.flatMap(({ outcome, guid }, index) =>
    outcome.kind === 'error'
      ? [{ '#text': outcome.error, '@_INDEX': index + 1, ...(guid ? { '@_GUID': guid } : {}) }]
      : [],
  );
  return builder.build({
    RESPONSE: {
      CREATED: count('created'),
      ALTERED: count('altered'),
      DELETED: count('deleted'),
      LASTVCHID: counters.lastVoucherId,
      LASTMID: counters.lastMasterId,
      COMBINED: 0,
      IGNORED: count('ignored'),
      ERRORS: errors.length,
      CANCELLED: 0,
      ...(errors.length > 0 ? { LINEERROR: errors } : {}),
    },
  }) as string;
}
