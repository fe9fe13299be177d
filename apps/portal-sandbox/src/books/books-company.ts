import type {
  ApplyOutcome,
  ImportAction,
  MasterType,
  ObjectInput,
  ObjectType,
  StoredIdentity,
  StoredMaster,
  StoredObject,
  StoredVoucher,
  Tombstone,
} from './books.types';
import { MASTER_TYPES, TYPE_LABELS } from './books.types';
import { PRIMARY_GROUPS, SUB_GROUPS } from './books-defaults';
import { resolveMaster, resolveVoucher } from './books-resolve';

/** ALTERIDs after `after`, up to and including `upTo` when given (an export's window). */
export interface AlterWindow {
  after: number;
  upTo?: number;
}

const inWindow = (alterId: number, window: AlterWindow): boolean =>
  alterId > window.after && (window.upTo === undefined || alterId <= window.upTo);

const byAlterId = (a: StoredIdentity, b: StoredIdentity): number => a.alterId - b.alterId;

const err = (error: string): ApplyOutcome => ({ kind: 'error', error });

/**
 * One company's books: masters and vouchers keyed by GUID, one ALTERID counter that grows on every
 * create, alter (rename included) and delete, one id counter for MASTERID/VOUCHERID, and tombstones for
 * deleted objects. Pure and synchronous: an apply either changes the books or changes nothing.
 */
export class BooksCompany {
  private alterId = 0;
  private lastId = 0;
  private lastMasterId = 0;
  private lastVoucherId = 0;
  private readonly masters = new Map<string, StoredMaster>();
  private readonly names = new Map<MasterType, Map<string, string>>();
  private readonly vouchers = new Map<string, StoredVoucher>();
  private readonly tombstones = new Map<string, Tombstone>();

  constructor(
    readonly key: string,
    readonly name: string,
    /** Tally-style GUIDs are this company GUID plus the object's id in hex. */
    readonly guid: string,
  ) {
    for (const type of MASTER_TYPES) this.names.set(type, new Map());
    for (const [group, nature] of PRIMARY_GROUPS) this.addReserved(group, { nature });
    for (const [group, parent] of SUB_GROUPS) {
      this.addReserved(group, { parent: this.findByName('GROUP', parent)?.guid });
    }
  }

  get lastAlterId(): number {
    return this.alterId;
  }

  /** The highest ALTERID among masters and among vouchers (Tally's `$AltMstId`, `$AltVchId`). */
  highest(): { masters: number; vouchers: number } {
    let masters = 0;
    let vouchers = 0;
    for (const m of this.masters.values()) masters = Math.max(masters, m.alterId);
    for (const v of this.vouchers.values()) vouchers = Math.max(vouchers, v.alterId);
    for (const t of this.tombstones.values()) {
      if (t.type === 'VOUCHER') vouchers = Math.max(vouchers, t.alterId);
      else masters = Math.max(masters, t.alterId);
    }
    return { masters, vouchers };
  }

  counters(): { lastMasterId: number; lastVoucherId: number } {
    return { lastMasterId: this.lastMasterId, lastVoucherId: this.lastVoucherId };
  }

  findByName(type: MasterType, name: string): StoredMaster | undefined {
    const guid = this.names.get(type)?.get(name.toLowerCase());
    return guid === undefined ? undefined : this.masters.get(guid);
  }

  get(guid: string): StoredObject | undefined {
    return this.masters.get(guid) ?? this.vouchers.get(guid);
  }

  master(guid: string): StoredMaster | undefined {
    return this.masters.get(guid);
  }

  tombstone(guid: string): Tombstone | undefined {
    return this.tombstones.get(guid);
  }

  count(type: ObjectType): number {
    if (type === 'VOUCHER') return this.vouchers.size;
    return this.names.get(type)?.size ?? 0;
  }

  /** Objects of a type whose ALTERID is in the window, oldest change first. */
  changed(type: ObjectType, window: AlterWindow = { after: 0 }): StoredObject[] {
    const source: Iterable<StoredObject> =
      type === 'VOUCHER' ? this.vouchers.values() : this.masters.values();
    const out: StoredObject[] = [];
    for (const o of source) if (o.type === type && inWindow(o.alterId, window)) out.push(o);
    return out.sort(byAlterId);
  }

  deleted(window: AlterWindow = { after: 0 }): Tombstone[] {
    return [...this.tombstones.values()].filter((t) => inWindow(t.alterId, window)).sort(byAlterId);
  }

  /** Applies one object of an import (or a control call). On error nothing changes. */
  apply(action: ImportAction, input: ObjectInput): ApplyOutcome {
    return input.type === 'VOUCHER' ? this.applyVoucher(action, input) : this.applyMaster(action, input);
  }

  private applyMaster(action: ImportAction, input: Extract<ObjectInput, { type: MasterType }>): ApplyOutcome {
    const label = TYPE_LABELS[input.type];
    // Without a GUID, Tally identifies the object to alter or delete by its NAME; a create makes a new one.
    const existing = input.guid
      ? this.masters.get(input.guid)
      : action === 'Create'
        ? undefined
        : this.findByName(input.type, input.name);
    if (existing && existing.type !== input.type)
      return err(`GUID '${input.guid}' belongs to another object!`);
    const reservedByName = this.findByName(input.type, input.name);
    if (existing?.reserved || (!existing && reservedByName?.reserved)) {
      return { kind: 'ignored', object: existing ?? (reservedByName as StoredMaster) };
    }
    if (action === 'Delete') return this.deleteMaster(input, existing);
    if (!existing && action === 'Alter') return err(`${label} '${input.name}' does not exist!`);
    if (!input.name.trim()) return err(`${label} name is missing!`);
    const clash = this.findByName(input.type, input.name);
    if (clash && clash.guid !== existing?.guid && clash.guid !== input.guid) {
      return err(`${label} '${input.name}' already exists!`);
    }
    const resolved = resolveMaster(input.type, input.name, input.fields, (t, n) => this.findByName(t, n));
    if (!resolved.ok) return err(resolved.error);
    if (existing && input.type === 'GROUP' && this.wouldCycle(existing.guid, resolved.value.parent)) {
      return err(`Group '${input.name}' cannot be under itself!`);
    }
    if (existing) {
      const same = existing.name === input.name && sameFields(existing.fields, resolved.value);
      if (same) return { kind: 'ignored', object: existing };
      this.names.get(existing.type)?.delete(existing.name.toLowerCase());
      const altered: StoredMaster = {
        ...existing,
        name: input.name,
        fields: resolved.value,
        alterId: ++this.alterId,
      };
      this.storeMaster(altered);
      return { kind: 'altered', object: altered };
    }
    const id = ++this.lastId;
    const created: StoredMaster = {
      type: input.type,
      guid: input.guid ?? this.guidFor(id),
      id,
      alterId: ++this.alterId,
      name: input.name,
      reserved: false,
      fields: resolved.value,
    };
    this.tombstones.delete(created.guid);
    this.storeMaster(created);
    return { kind: 'created', object: created };
  }

  private deleteMaster(
    input: Extract<ObjectInput, { type: MasterType }>,
    existing: StoredMaster | undefined,
  ): ApplyOutcome {
    const label = TYPE_LABELS[input.type];
    if (!existing) {
      const gone = input.guid ? this.tombstones.get(input.guid) : undefined;
      return gone ? { kind: 'ignored', object: gone } : err(`${label} '${input.name}' does not exist!`);
    }
    if (this.inUse(existing.guid)) return err(`Cannot delete ${label} '${existing.name}': it is in use!`);
    this.masters.delete(existing.guid);
    this.names.get(existing.type)?.delete(existing.name.toLowerCase());
    return this.bury(existing, existing.name);
  }

  /** A deleted object leaves a tombstone with the delete's own ALTERID (the sandbox's deletion export). */
  private bury(object: StoredIdentity, name: string): ApplyOutcome {
    const tombstone: Tombstone = {
      type: object.type,
      guid: object.guid,
      id: object.id,
      alterId: ++this.alterId,
      name,
    };
    this.tombstones.set(object.guid, tombstone);
    return { kind: 'deleted', object: tombstone };
  }

  private applyVoucher(action: ImportAction, input: Extract<ObjectInput, { type: 'VOUCHER' }>): ApplyOutcome {
    const existing = input.guid ? this.vouchers.get(input.guid) : undefined;
    if (action !== 'Create' && !input.guid) return err('Voucher GUID is missing!');
    if (input.guid && !existing && this.masters.has(input.guid))
      return err(`GUID '${input.guid}' belongs to another object!`);
    if (action === 'Delete') {
      if (existing) {
        this.vouchers.delete(existing.guid);
        return this.bury(existing, existing.voucherNumber);
      }
      const gone = this.tombstones.get(input.guid as string);
      return gone ? { kind: 'ignored', object: gone } : err(`Voucher '${input.guid}' does not exist!`);
    }
    if (action === 'Alter' && !existing) return err(`Voucher '${input.guid}' does not exist!`);
    const resolved = resolveVoucher(input.fields, (t, n) => this.findByName(t, n));
    if (!resolved.ok) return err(resolved.error);
    if (existing) {
      const { type: _t, guid: _g, id: _i, alterId: _a, ...body } = existing;
      if (JSON.stringify(body) === JSON.stringify(resolved.value))
        return { kind: 'ignored', object: existing };
      const altered: StoredVoucher = { ...existing, ...resolved.value, alterId: ++this.alterId };
      this.vouchers.set(altered.guid, altered);
      this.lastVoucherId = altered.id;
      return { kind: 'altered', object: altered };
    }
    const id = ++this.lastId;
    const created: StoredVoucher = {
      type: 'VOUCHER',
      guid: input.guid ?? this.guidFor(id),
      id,
      alterId: ++this.alterId,
      ...resolved.value,
    };
    this.tombstones.delete(created.guid);
    this.vouchers.set(created.guid, created);
    this.lastVoucherId = id;
    return { kind: 'created', object: created };
  }

  private addReserved(name: string, fields: StoredMaster['fields']): void {
    const id = ++this.lastId;
    for (const key of Object.keys(fields) as (keyof typeof fields)[])
      if (fields[key] === undefined) delete fields[key];
    this.storeMaster({
      type: 'GROUP',
      guid: this.guidFor(id),
      id,
      alterId: ++this.alterId,
      name,
      reserved: true,
      fields,
    });
  }

  private storeMaster(master: StoredMaster): void {
    this.masters.set(master.guid, master);
    this.names.get(master.type)?.set(master.name.toLowerCase(), master.guid);
    this.lastMasterId = master.id;
  }

  private guidFor(id: number): string {
    return `${this.guid}-${id.toString(16).padStart(8, '0')}`;
  }

  private wouldCycle(guid: string, parent: string | undefined): boolean {
    for (let at = parent; at !== undefined; at = this.masters.get(at)?.fields.parent) {
      if (at === guid) return true;
    }
    return false;
  }

  /** Whether a master is used by another master or by a voucher (Tally refuses to delete it then). */
  private inUse(guid: string): boolean {
    for (const m of this.masters.values()) {
      const f = m.fields;
      if (f.parent === guid || f.currency === guid || f.baseUnits === guid) return true;
    }
    for (const v of this.vouchers.values()) {
      if (v.voucherType === guid || v.partyLedger === guid) return true;
      if (v.ledgerEntries.some((e) => e.ledger === guid || e.costCentres.some((c) => c.costCentre === guid)))
        return true;
      if (v.inventoryEntries.some((e) => e.stockItem === guid)) return true;
    }
    return false;
  }
}

function sameFields(a: StoredMaster['fields'], b: StoredMaster['fields']): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof StoredMaster['fields']>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
