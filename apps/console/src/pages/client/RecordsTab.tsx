import type { FormEvent } from 'react';
import { useState } from 'react';

import type { Category, Client, ClientRecord } from '../../api';
import { formatInstant } from '../../api';
import { formatPeriod, parsePeriod } from '../../periods';
import { Pager, usePaged } from './paging';

/** A record's first few plain fields, as `name: value` (the whole record is one click away). */
function summary(data: Record<string, unknown> | null): string {
  if (!data) return '—';
  return Object.entries(data)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .slice(0, 4)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
}

/** The client's synced records of one category (optionally one period), a page at a time from the server. */
export function RecordsTab({ client, categories }: { client: Client; categories: Category[] }) {
  const [category, setCategory] = useState(categories[0]?.id ?? '');
  const [periodText, setPeriodText] = useState('');
  const [query, setQuery] = useState<{ category: string; period?: string }>({ category });
  const [periodError, setPeriodError] = useState<string | null>(null);
  const pager = usePaged<ClientRecord>(`/clients/${client.id}/records`, query);

  function apply(e: FormEvent) {
    e.preventDefault();
    const period = periodText.trim() ? parsePeriod(periodText) : undefined;
    if (period === null) {
      setPeriodError('Write a GST month as MM/YYYY (e.g. 10/2026) or an assessment year as 2025-26.');
      return;
    }
    setPeriodError(null);
    setQuery({ category, period });
  }

  return (
    <section aria-labelledby="records-heading" className="panel">
      <h2 id="records-heading">Records</h2>
      <form className="filters records-filters" onSubmit={apply} aria-label="Choose records">
        <div>
          <label htmlFor="r-category">Category</label>
          <select id="r-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.description}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="r-period">Period (optional)</label>
          <input
            id="r-period"
            placeholder="MM/YYYY or 2025-26"
            value={periodText}
            aria-invalid={periodError ? true : undefined}
            aria-describedby={periodError ? 'r-period-error' : undefined}
            onChange={(e) => setPeriodText(e.target.value)}
          />
        </div>
        <button type="submit">Show records</button>
      </form>
      {periodError && (
        <p className="error" id="r-period-error" role="alert">
          {periodError}
        </p>
      )}
      {pager.error && (
        <p className="error" role="alert">
          {pager.error}
        </p>
      )}
      <div className="table-wrap">
        <table aria-label="Records" aria-busy={pager.page === null}>
          <thead>
            <tr>
              <th scope="col">Identifier</th>
              <th scope="col">Period</th>
              <th scope="col">Record</th>
              <th scope="col">Details</th>
              <th scope="col">Version</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {pager.page?.items.map((r) => (
              <tr
                key={`${r.subject.value}|${r.period ?? ''}|${r.naturalKey}`}
                className={r.removedAt ? 'removed' : ''}
              >
                <td className="mono">{r.subject.value}</td>
                <td>{formatPeriod(r.period) || '—'}</td>
                <td className="mono wrap">{r.naturalKey}</td>
                <td className="wrap">
                  {summary(r.data)}
                  {r.removedAt && <strong> (removed from the portal)</strong>}
                </td>
                <td>{r.version}</td>
                <td>{formatInstant(r.lastSeenAt)}</td>
              </tr>
            ))}
            {pager.page && pager.page.items.length === 0 && (
              <tr>
                <td colSpan={6}>No records of this category{query.period ? ' for this period' : ''} yet.</td>
              </tr>
            )}
            {pager.page === null && !pager.error && (
              <tr>
                <td colSpan={6}>Loading records…</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager label="Record pages" pager={pager} />
    </section>
  );
}
