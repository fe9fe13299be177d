import { createHash } from 'node:crypto';

import type { ObjectTag } from '../tally/books-objects';
import type { XmlNode } from '../tally/tally-xml';
import { isNode, text } from '../tally/tally-xml';

/** What only one company's copy of an object carries (its local ids and counters): never compared or shown. */
const LOCAL = new Set([
  'GUID',
  'MASTERID',
  'VOUCHERID',
  'ALTERID',
  '@_REMOTEID',
  '@_ACTION',
  '@_RESERVEDNAME',
]);
/** The name's own lists (a master's name is shown and edited as `NAME`). */
const NAME_LISTS = new Set(['LANGUAGENAME.LIST', 'NAME.LIST', '@_NAME']);

/** A JSON value of a version's fields: Tally's text, or lists/records of them (ledger entries). */
export type FieldValue = string | FieldRecord | FieldValue[];
export interface FieldRecord {
  [field: string]: FieldValue;
}

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (isNode(value)) {
    return Object.fromEntries(
      Object.keys(value)
        // Attributes are how one company renders the object (VCHTYPE, OBJVIEW, REMOTEID), except its name.
        .filter((k) => !LOCAL.has(k) && (!k.startsWith('@_') || k === '@_NAME'))
        .sort()
        .map((k) => [k, stable(value[k])]),
    );
  }
  return value === undefined || value === null ? '' : String(value);
}

/**
 * A version's content hash: the object as Tally exported it without what is local to one company (GUID, ids,
 * ALTERID), keys sorted. Two companies holding the same content hash alike, so our own import's echo (a new
 * ALTERID at the receiver, the same content) is no change, and a change reverted is no change either.
 */
export function contentHash(node: XmlNode): string {
  return createHash('sha256')
    .update(JSON.stringify(stable(node)))
    .digest('base64url');
}

function fieldValue(value: unknown): FieldValue {
  if (Array.isArray(value)) return value.map(fieldValue);
  if (isNode(value)) {
    if ('#text' in value && Object.keys(value).every((k) => k === '#text' || k.startsWith('@_')))
      return text(value);
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.startsWith('@_') && !LOCAL.has(k))
        .map(([k, v]) => [k, fieldValue(v)]),
    );
  }
  return value === undefined || value === null ? '' : String(value);
}

/**
 * A version as a person reads (and merges) it: Tally's own field names, without the ids local to one company;
 * a master's name as `NAME`. Vouchers keep their entry lists (`ALLLEDGERENTRIES.LIST` …) as arrays.
 */
export function fieldsOf(tag: ObjectTag, node: XmlNode): FieldRecord {
  const fields: FieldRecord = {};
  if (tag !== 'VOUCHER') fields.NAME = text(node['@_NAME']);
  for (const [key, value] of Object.entries(node)) {
    if (LOCAL.has(key) || key.startsWith('@_') || (tag !== 'VOUCHER' && NAME_LISTS.has(key))) continue;
    fields[key] = fieldValue(value);
  }
  return fields;
}

/** The object to import for a merged version: the fields as given, under the conflict's GUID. */
export function nodeOf(tag: ObjectTag, guid: string, fields: FieldRecord): XmlNode {
  if (tag === 'VOUCHER') {
    const type = typeof fields.VOUCHERTYPENAME === 'string' ? fields.VOUCHERTYPENAME : '';
    return { '@_REMOTEID': guid, '@_VCHTYPE': type, GUID: guid, ...fields };
  }
  const { NAME, ...rest } = fields;
  const name = typeof NAME === 'string' ? NAME : '';
  return {
    '@_NAME': name,
    GUID: guid,
    ...rest,
    'LANGUAGENAME.LIST': { 'NAME.LIST': { '@_TYPE': 'String', NAME: name } },
  };
}
