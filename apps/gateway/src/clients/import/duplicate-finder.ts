import type { FieldError } from '@practice-sync/problems';

interface Identifiers {
  pan?: string;
  gstins?: string[];
}

/**
 * Finds rows that repeat a PAN or GSTIN of an earlier row of the same file. The first occurrence wins; later
 * ones are errors naming it, since importing both would silently merge two rows into one client.
 */
export class DuplicateFinder {
  private readonly firstRow = new Map<string, number>();

  check(row: number, client: Identifiers): FieldError[] {
    const keys: { key: string; field: string }[] = [];
    if (client.pan) keys.push({ key: `pan:${client.pan}`, field: 'pan' });
    (client.gstins ?? []).forEach((g, i) => keys.push({ key: `gstin:${g}`, field: `gstins[${i}]` }));
    const errors: FieldError[] = [];
    const ownKeys = new Map<string, string>();
    for (const { key, field } of keys) {
      const earlier = this.firstRow.get(key);
      if (earlier !== undefined) errors.push({ field, message: `duplicates line ${earlier} of this file` });
      else if (ownKeys.has(key)) errors.push({ field, message: `repeats ${ownKeys.get(key)} of this row` });
      ownKeys.set(key, field);
    }
    // A rejected row claims nothing, so a later valid row with the same identifier still imports.
    if (errors.length === 0) for (const key of ownKeys.keys()) this.firstRow.set(key, row);
    return errors;
  }
}
