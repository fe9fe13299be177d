import { useEffect, useMemo, useState } from 'react';

import type { Category, Client, ClientChange, Page } from '../../api';
import { api, errorText, formatInstant } from '../../api';
import type { ChangeGroup } from '../../changes';
import { groupChanges } from '../../changes';
import { formatPeriod } from '../../periods';

const CHANGE_LABELS: Record<ClientChange['change'], string> = {
  added: '+ Added',
  updated: '~ Updated',
  removed: '− Removed',
};

type Since = 'visit' | '7' | '30' | 'all';

function countWords(counts: ChangeGroup['counts']): string {
  return (['added', 'updated', 'removed'] as const)
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(' · ');
}

/** When this browser last opened the client's change feed (kept in the browser only). */
function lastVisit(clientId: string): string | null {
  try {
    return window.localStorage.getItem(`practice-sync.changes-seen.${clientId}`);
  } catch {
    return null;
  }
}

function markVisit(clientId: string): void {
  try {
    window.localStorage.setItem(`practice-sync.changes-seen.${clientId}`, new Date().toISOString());
  } catch {
    // Private windows may refuse storage: the feed then starts from "last 7 days".
  }
}

function sinceInstant(since: Since, visit: string | null): string | undefined {
  if (since === 'visit') return visit ?? undefined;
  if (since === 'all') return undefined;
  return new Date(Date.now() - Number(since) * 86_400_000).toISOString();
}

/** What changed on the portals for this client: since the last visit by default, oldest first. */
export function ChangesTab({ client, categories }: { client: Client; categories: Category[] }) {
  const visit = useMemo(() => lastVisit(client.id), [client.id]);
  const [since, setSince] = useState<Since>(visit ? 'visit' : '30');
  const [items, setItems] = useState<ClientChange[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => markVisit(client.id), [client.id]);

  useEffect(() => {
    let live = true;
    setItems([]);
    setNext(undefined);
    api<Page<ClientChange>>('GET', `/clients/${client.id}/changes`, {
      query: { since: sinceInstant(since, visit), limit: 200 },
    }).then(
      (p) => live && (setItems(p.items), setNext(p.nextCursor), setError(null)),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [client.id, since, visit]);

  async function more(cursor: string) {
    try {
      const p = await api<Page<ClientChange>>('GET', `/clients/${client.id}/changes`, {
        query: { since: sinceInstant(since, visit), limit: 200, cursor },
      });
      setItems((old) => [...old, ...p.items]);
      setNext(p.nextCursor);
    } catch (e) {
      setError(errorText(e));
    }
  }

  const counts = { added: 0, updated: 0, removed: 0 };
  for (const c of items) counts[c.change] += 1;

  return (
    <section aria-labelledby="changes-heading" className="panel">
      <h2 id="changes-heading">Changes</h2>
      <div className="inline-field">
        <label htmlFor="c-since">Show changes</label>
        <select id="c-since" value={since} onChange={(e) => setSince(e.target.value as Since)}>
          {visit && <option value="visit">since my last visit ({formatInstant(visit)})</option>}
          <option value="7">of the last 7 days</option>
          <option value="30">of the last 30 days</option>
          <option value="all">all</option>
        </select>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {next === undefined && !error && <p className="muted">Loading changes…</p>}
      {next !== undefined && (
        <p aria-live="polite" data-testid="changes-summary">
          {items.length === 0
            ? 'Nothing changed on the portals in this time.'
            : `${counts.added} added, ${counts.updated} updated, ${counts.removed} removed${next ? ' so far' : ''}.`}
        </p>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Changes">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Category</th>
                <th scope="col">Identifier · period</th>
                <th scope="col">What changed</th>
              </tr>
            </thead>
            <tbody>
              {groupChanges(items).map((g) => (
                <tr key={g.key}>
                  <td>{formatInstant(g.at)}</td>
                  <td>{categories.find((c) => c.id === g.category)?.description ?? g.category}</td>
                  <td className="mono">
                    {g.subject}
                    {g.period ? ` · ${formatPeriod(g.period)}` : ''}
                  </td>
                  <td>
                    <details>
                      <summary className="change">{countWords(g.counts)}</summary>
                      <ul className="change-list">
                        {g.items.map((c) => (
                          <li key={c.id} className={`change-${c.change}`}>
                            <span className="change">{CHANGE_LABELS[c.change]}</span>{' '}
                            <span className="mono wrap">{c.naturalKey}</span>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" onClick={() => void more(next)}>
          Show more changes
        </button>
      )}
    </section>
  );
}
