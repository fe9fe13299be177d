import type { BooksClass, BooksDirection, BooksRule } from '@practice-sync/contracts';

import type { BooksObject, DeletedObject } from '../tally/books-objects';
import { voucherFacts } from '../tally/books-objects';

const flat = (s: string): string => s.replace(/[\s_-]/g, '').toLowerCase();

/** Does a rule (defined on the link's client side) move its class in this direction? */
function moves(rule: BooksRule, direction: BooksDirection): boolean {
  return rule.direction === 'both' || rule.direction === direction;
}

/** The directions the active rules of a class allow, `send` (client → server) first. */
export function directionsFor(rules: readonly BooksRule[], cls: BooksClass): BooksDirection[] {
  const ofClass = rules.filter((r) => r.class === cls);
  return (['send', 'receive'] as const).filter((d) => ofClass.some((r) => moves(r, d)));
}

/** The rules of a class that move it in a direction. */
export function rulesFor(
  rules: readonly BooksRule[],
  cls: BooksClass,
  direction: BooksDirection,
): BooksRule[] {
  return rules.filter((r) => r.class === cls && moves(r, direction));
}

function allowedBy(rule: BooksRule, o: BooksObject): boolean {
  if (o.tag === 'VOUCHER') {
    const { type, date } = voucherFacts(o);
    if (rule.types.length && !rule.types.some((t) => flat(t) === flat(type))) return false;
    return rule.fromDate === null || date >= rule.fromDate.replace(/-/g, '');
  }
  return !rule.types.length || rule.types.some((t) => flat(t) === flat(o.tag));
}

/** An object moves when any of the rules allows it (types of the class; vouchers on or after `fromDate`). */
export function allowed(rules: readonly BooksRule[], o: BooksObject): boolean {
  return rules.some((r) => allowedBy(r, o));
}

/**
 * A deletion moves when a rule covers its type. A deleted voucher's type and date are gone with it, so any rule
 * of the class lets it through: the receiver holds the GUID only if it was sent there.
 */
export function deletionAllowed(rules: readonly BooksRule[], d: DeletedObject): boolean {
  if (d.tag === 'VOUCHER') return rules.length > 0;
  return rules.some((r) => !r.types.length || r.types.some((t) => flat(t) === flat(d.tag)));
}
