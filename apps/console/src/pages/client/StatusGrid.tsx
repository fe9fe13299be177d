import { useEffect, useState } from 'react';

import type { Category, Client, StatusCell } from '../../api';
import { api, errorText, formatInstant } from '../../api';
import {
  howToFix,
  OUTCOME_LABELS,
  OUTCOME_SYMBOLS,
  portalOf,
  staffReason,
  withoutConnectorAdvice,
} from '../../fixes';
import { formatPeriod } from '../../periods';
import { identifiersOf, portalName } from '../ClientPage';

const SUBJECT_NAMES: Record<string, string> = {
  gstin: 'GSTIN',
  pan: 'PAN',
  esignClientFileId: 'Client file',
};

/** GST first: most of a firm's syncs, and most of its failures. */
const PORTAL_ORDER = ['gst', 'itr', 'esign'];

/** The latest cell of each category × identifier (a category has a cell per period it synced). */
export function latestCells(cells: readonly StatusCell[]): Map<string, StatusCell> {
  const out = new Map<string, StatusCell>();
  for (const c of cells) {
    const key = `${c.category}|${c.subject.value}`;
    const seen = out.get(key);
    if (!seen || seen.updatedAt < c.updatedAt) out.set(key, c);
  }
  return out;
}

/** The status grid: per portal, its categories × the client's identifiers; last outcome and last success. */
export function StatusGrid({ client, categories }: { client: Client; categories: Category[] }) {
  const [cells, setCells] = useState<StatusCell[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<{ items: StatusCell[] }>('GET', `/clients/${client.id}/status`).then(
      (s) => setCells(s.items),
      (e: unknown) => setError(errorText(e)),
    );
  }, [client.id]);

  if (error) return <p className="error">{error}</p>;
  if (!cells) return <p className="loading">Loading the status…</p>;
  const latest = latestCells(cells);
  const portals = [...new Set(categories.map((c) => c.portal))].sort(
    (a, b) => PORTAL_ORDER.indexOf(a) - PORTAL_ORDER.indexOf(b),
  );
  if (portals.length === 0)
    return <p className="muted">This client has no identifier a portal category uses.</p>;

  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">Status by category</h2>
      <p className="muted">
        The last sync of each category for each identifier: its outcome, the period it was for and when it
        last succeeded.
      </p>
      {portals.map((portal) => {
        const rows = categories.filter((c) => c.portal === portal);
        const kind = rows[0].subject;
        const ids = identifiersOf(client, kind);
        return (
          <div className="panel" key={portal}>
            <div className="table-wrap wide-only">
              <table className="grid" aria-label={`${portalName(portal)} status`}>
                <caption>
                  {portalName(portal)}
                  <span className="muted"> · by category and {SUBJECT_NAMES[kind] ?? kind}</span>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Category</th>
                    {ids.map((id) => (
                      <th scope="col" key={id} className="mono">
                        {id}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((cat) => (
                    <tr key={cat.id}>
                      <th scope="row">{cat.description}</th>
                      {ids.map((id) => (
                        <td key={id}>
                          <Cell
                            cell={latest.get(`${cat.id}|${id}`)}
                            clientId={client.id}
                            testId="status-cell"
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {/* At phone width: one list per identifier instead of a grid wider than the screen. */}
            <div className="phone-only">
              <h3>{portalName(portal)}</h3>
              {ids.map((id) => (
                <div key={id} className="status-list">
                  <h4 className="mono">
                    {SUBJECT_NAMES[kind] ?? kind} {id}
                  </h4>
                  <dl>
                    {rows.map((cat) => (
                      <div key={cat.id}>
                        <dt>{cat.description}</dt>
                        <dd>
                          <Cell cell={latest.get(`${cat.id}|${id}`)} clientId={client.id} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                </div>
              ))}
            </div>
          </div>
        );
      })}
    </section>
  );
}

function Cell({
  cell,
  clientId,
  testId,
}: {
  cell: StatusCell | undefined;
  clientId: string;
  testId?: string;
}) {
  if (!cell)
    return (
      <span className="muted" data-testid={testId}>
        Never synced
      </span>
    );
  const fix = cell.lastOutcome === 'failed' ? howToFix(cell.lastErrorCode, portalOf(cell.category)) : null;
  return (
    <div className={`cell ${cell.lastOutcome}`} data-testid={testId}>
      <span className="outcome">
        <span aria-hidden="true">{OUTCOME_SYMBOLS[cell.lastOutcome] ?? ''} </span>
        {OUTCOME_LABELS[cell.lastOutcome] ?? cell.lastOutcome}
      </span>
      {cell.period && <span className="period"> for {formatPeriod(cell.period)}</span>}
      <div className="muted small">
        Last success: {cell.lastSuccessAt ? formatInstant(cell.lastSuccessAt) : 'never'}
      </div>
      {cell.lastOutcome === 'failed' && (
        <div className="small">
          {cell.lastErrorMessage && (
            <div className="reason">
              {staffReason(fix ? withoutConnectorAdvice(cell.lastErrorMessage) : cell.lastErrorMessage)}
            </div>
          )}
          {fix && (
            <div className="fix">
              {fix.text}{' '}
              {fix.place === 'access' && <a href={`#/clients/${clientId}/access`}>Open the Access tab</a>}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
