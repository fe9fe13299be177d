/**
 * The books of one company as a Tally-like books server holds them. Masters reference each other and
 * vouchers reference masters by GUID inside the store (so a rename never touches the objects that use the
 * master, as in Tally); names appear only at the edges (XML, JSON).
 */

/** Master object types, in dependency order (what an import must create first comes first). */
export const MASTER_TYPES = [
  'CURRENCY',
  'UNIT',
  'GROUP',
  'LEDGER',
  'COSTCENTRE',
  'STOCKITEM',
  'VOUCHERTYPE',
] as const;
export type MasterType = (typeof MASTER_TYPES)[number];
export type ObjectType = MasterType | 'VOUCHER';
export const OBJECT_TYPES: readonly ObjectType[] = [...MASTER_TYPES, 'VOUCHER'];

/** How Tally names each type in its messages (`Ledger 'X' does not exist!`). */
export const TYPE_LABELS: Record<ObjectType, string> = {
  CURRENCY: 'Currency',
  UNIT: 'Unit',
  GROUP: 'Group',
  LEDGER: 'Ledger',
  COSTCENTRE: 'Cost Centre',
  STOCKITEM: 'Stock Item',
  VOUCHERTYPE: 'Voucher Type',
  VOUCHER: 'Voucher',
};

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}

export function isMasterType(value: string): value is MasterType {
  return (MASTER_TYPES as readonly string[]).includes(value);
}

/** Master fields as names (what XML and JSON carry); refs are resolved to GUIDs when stored. */
export interface MasterFields {
  /** GROUP, LEDGER, COSTCENTRE: the parent's name (`''` = Primary); VOUCHERTYPE: the base type's name. */
  parent?: string;
  gstin?: string;
  /** LEDGER: its currency's name (symbol), e.g. `₹`. */
  currency?: string;
  /** LEDGER: signed like Tally (debit negative). */
  openingBalance?: number;
  /** LEDGER: state for GST. */
  state?: string;
  /** GROUP: Assets, Liabilities, Income, Expenses (primary groups only). */
  nature?: string;
  /** UNIT, CURRENCY. */
  formalName?: string;
  decimals?: number;
  /** STOCKITEM. */
  baseUnits?: string;
  hsn?: string;
  gstRate?: number;
  /** VOUCHERTYPE: Tally's NUMBERINGMETHOD, `Automatic` or `Manual`. */
  numbering?: string;
}

export interface CostCentreAllocation {
  costCentre: string;
  amount: number;
}

export interface LedgerEntry {
  ledger: string;
  /** Signed as in Tally: debit negative (ISDEEMEDPOSITIVE Yes), credit positive. */
  amount: number;
  costCentres?: CostCentreAllocation[];
}

export interface InventoryEntry {
  stockItem: string;
  rate: number;
  quantity: number;
  /** Signed like ledger entries: a sale credits stock (positive), a purchase debits it (negative). */
  amount: number;
}

export interface VoucherFields {
  voucherType: string;
  /** YYYYMMDD. */
  date: string;
  voucherNumber: string;
  narration?: string;
  partyLedger?: string;
  ledgerEntries: LedgerEntry[];
  inventoryEntries?: InventoryEntry[];
}

/** An object as an import (XML) or a control call (JSON) states it: names, not GUIDs. */
export type ObjectInput =
  | { type: MasterType; guid?: string; name: string; fields: MasterFields }
  | { type: 'VOUCHER'; guid?: string; fields: VoucherFields };

export type ImportAction = 'Create' | 'Alter' | 'Delete';

/** The identity every stored object shares. */
export interface StoredIdentity {
  type: ObjectType;
  guid: string;
  /** MASTERID for masters, VOUCHERID for vouchers. */
  id: number;
  alterId: number;
}

export interface StoredMaster extends StoredIdentity {
  type: MasterType;
  name: string;
  /** A default object every company has (Tally's primary groups); never altered or deleted. */
  reserved: boolean;
  /** Refs (parent, currency, baseUnits) hold GUIDs here, other fields as given. */
  fields: MasterFields;
}

export interface StoredVoucher extends StoredIdentity {
  type: 'VOUCHER';
  voucherType: string;
  date: string;
  voucherNumber: string;
  narration: string;
  partyLedger: string | null;
  ledgerEntries: { ledger: string; amount: number; costCentres: { costCentre: string; amount: number }[] }[];
  inventoryEntries: { stockItem: string; rate: number; quantity: number; amount: number }[];
}

export type StoredObject = StoredMaster | StoredVoucher;

/** What remains of a deleted object: the sandbox's way to export deletions (Tally has none). */
export interface Tombstone extends StoredIdentity {
  name: string;
}

/** One object's outcome in an import; the XML RESPONSE counts these and lists the errors. */
export type ApplyOutcome =
  | { kind: 'created' | 'altered' | 'deleted' | 'ignored'; object: StoredIdentity }
  | { kind: 'error'; error: string };
