import { useCallback, useEffect, useState } from 'react';

import type { ClientRunSummary, Me, Page, RunTotals, SyncRun } from '../api';
import { api, mayWrite } from '../api';
import { navigate } from '../App';
import { useCatalogue } from '../catalogue';
import { howToFix, OUTCOME_LABELS, portalOf, staffReason, withoutConnectorAdvice } from '../fixes';
import { categoryNames } from '../schedules';
import { formatPeriod } from '../periods';
import { progressPercent } from '../selection';

const COUNTERS: Array<[keyof RunTotals, string]> = [
  ['succeeded', 'Synced'],
  ['noChange', 'No change'],
  ['noData', 'Nothing on portal'],
  ['partial', 'Partly synced'],
  ['failed', 'Failed'],
  ['skipped', 'Skipped'],
  ['cancelled', 'Cancelled'],
  ['pending', 'Waiting'],
  ['running', 'Running'],
];
const STREAM_EVENTS = ['created', 'started', 'progress', 'completed', 'cancelled'];

/** A run live (progress bar and counters from its SSE stream), then its per-client log and Retry failed. */
export function RunView({ runId, me }: { runId: string; me: Me }) {
  const [run, setRun] = useState<SyncRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const catalogue = useCatalogue();

  useEffect(() => {
    api<SyncRun>('GET', `/sync-runs/${runId}`).then(setRun, (e: unknown) => setError(String(e)));
    // EventSource sends the session cookie (same origin) and reconnects by itself after a network blip.
    const source = new EventSource(`/v1/sync-runs/${runId}/events`);
    const onEvent = (e: MessageEvent<string>) => {
      const change = JSON.parse(e.data) as Pick<SyncRun, 'status' | 'totals' | 'startedAt' | 'finishedAt'>;
      setRun((r) => (r ? { ...r, ...change } : r));
      if (change.status === 'completed' || change.status === 'cancelled') source.close();
    };
    for (const name of STREAM_EVENTS) source.addEventListener(name, onEvent);
    return () => source.close();
  }, [runId]);

  const act = useCallback(
    async (path: 'cancel' | 'retry') => {
      setBusy(true);
      setError(null);
      try {
        const answer = await api<SyncRun>('POST', `/sync-runs/${runId}/${path}`, {
          idempotencyKey: path === 'retry' ? crypto.randomUUID() : undefined,
        });
        if (path === 'retry') navigate(`#/runs/${answer.id}`);
        else setRun(answer);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [runId],
  );

  if (!run) return error ? <p className="error">{error}</p> : <p className="loading">Loading the run…</p>;
  const percent = progressPercent(run.totals);
  const finished = run.status === 'completed' || run.status === 'cancelled';
  const canWrite = mayWrite(me.role);

  return (
    <>
      <h1>Sync run</h1>
      <p className="muted mono">{run.id}</p>
      <section className="panel" aria-labelledby="progress-heading">
        <h2 id="progress-heading">
          Progress: <span data-testid="run-status">{run.status}</span>
        </h2>
        <div className="progress-row">
          <progress max={100} value={percent} aria-label="Run progress" />
          <span className="percent" aria-live="polite" data-testid="run-percent">
            {percent}%
          </span>
        </div>
        <p className="muted">
          {run.totals.workFinished} of {run.totals.work} jobs finished ·{' '}
          {run.clients ? `clients: ${describeSelection(run.clients)}` : 'branch links'} · categories:{' '}
          {categoryNames(run.categories, catalogue)}
          {run.period?.['gst'] ? ` · GST period ${formatPeriod(run.period['gst'])}` : ''}
          {run.period?.['itr'] ? ` · assessment year ${run.period['itr']}` : ''}
        </p>
        <dl className="counters">
          {COUNTERS.map(([key, label]) => (
            <div key={key} className={`counter ${key}${run.totals[key] > 0 ? ' nonzero' : ''}`}>
              <dt>{label}</dt>
              <dd data-testid={`count-${key}`}>{run.totals[key]}</dd>
            </div>
          ))}
        </dl>
        <div className="actions">
          {canWrite && !finished && (
            <button type="button" disabled={busy} onClick={() => void act('cancel')}>
              Cancel run
            </button>
          )}
          {canWrite && finished && run.totals.failed > 0 && (
            <button type="button" className="primary" disabled={busy} onClick={() => void act('retry')}>
              Retry failed ({run.totals.failed})
            </button>
          )}
          <a href="#/">Back to the Sync Bucket</a>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>
      {finished && <RunLog runId={run.id} />}
    </>
  );
}

/** The per-client log (`GET /v1/sync-runs/{id}/summary`), paged, failures first to read. */
function RunLog({ runId }: { runId: string }) {
  const catalogue = useCatalogue();
  const [items, setItems] = useState<ClientRunSummary[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [onlyFailed, setOnlyFailed] = useState(false);

  const load = useCallback(
    async (cursor?: string) => {
      const page = await api<Page<ClientRunSummary>>('GET', `/sync-runs/${runId}/summary`, {
        query: { limit: 50, cursor },
      });
      setItems((old) => (cursor ? [...old, ...page.items] : page.items));
      setNext(page.nextCursor);
    },
    [runId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const shown = onlyFailed ? items.filter((c) => (c.counts['failed'] ?? 0) > 0) : items;

  return (
    <section className="panel" aria-labelledby="log-heading">
      <h2 id="log-heading">Log by client</h2>
      <label className="inline">
        <input type="checkbox" checked={onlyFailed} onChange={(e) => setOnlyFailed(e.target.checked)} /> Only
        clients with failures
      </label>
      {next === undefined && <p className="muted">Loading the log…</p>}
      {next !== undefined && items.length === 0 && <p className="muted">No client had work in this run.</p>}
      <ul className="log">
        {shown.map((c) => (
          <li key={c.clientId ?? c.linkId}>
            <details>
              <summary>
                <span className="client-name">
                  {c.clientName ?? (c.linkId ? `Branch link ${c.linkId}` : c.clientId)}
                </span>
                <span className="badges">
                  {Object.entries(c.counts)
                    .filter(([, n]) => n > 0)
                    .map(([k, n]) => (
                      <span key={k} className={`badge ${k}`}>
                        {n} {labelOfCount(k)}
                      </span>
                    ))}
                </span>
              </summary>
              {c.clientId && (
                <p className="client-link">
                  <a href={`#/clients/${c.clientId}`}>Open the client page of {c.clientName ?? c.clientId}</a>
                </p>
              )}
              <table className="jobs" aria-label={`Jobs of ${c.clientName ?? c.clientId}`}>
                <thead>
                  <tr>
                    <th scope="col">Category</th>
                    <th scope="col">For</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">What happened · how to fix it</th>
                  </tr>
                </thead>
                <tbody>
                  {c.jobs.map((j) => {
                    const fix = howToFix(j.errorCode, portalOf(j.category));
                    return (
                      <tr key={j.id} className={j.outcome ?? ''}>
                        <td title={j.category}>{categoryNames([j.category], catalogue)}</td>
                        <td className="mono">
                          {j.subject?.value ?? ''}
                          {j.period ? ` · ${formatPeriod(j.period)}` : ''}
                        </td>
                        <td>{OUTCOME_LABELS[j.outcome ?? ''] ?? j.outcome ?? '—'}</td>
                        <td>
                          {j.errorMessage && (
                            <div className="reason">
                              {staffReason(fix ? withoutConnectorAdvice(j.errorMessage) : j.errorMessage)}
                            </div>
                          )}
                          {fix && (
                            <div className="fix">
                              {fix.text}{' '}
                              {fix.place === 'access' && (
                                <a href={`#/clients/${c.clientId}/access`}>
                                  Open the Access tab of {c.clientName ?? 'the client'}
                                </a>
                              )}
                            </div>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </details>
          </li>
        ))}
      </ul>
      {next && (
        <button type="button" onClick={() => void load(next)}>
          Show more clients
        </button>
      )}
    </section>
  );
}

function labelOfCount(key: string): string {
  const outcome = key.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  return (OUTCOME_LABELS[outcome] ?? key).toLowerCase();
}

/** A run's client selection in words (`{ tags: ["gst-monthly"] }` → "tag gst-monthly"). */
function describeSelection(clients: Record<string, unknown>): string {
  if (clients['all'] === true) return 'all';
  const [key, value] = Object.entries(clients)[0] ?? [];
  if (Array.isArray(value)) {
    if (key === 'ids') return `${value.length} picked`;
    const noun = key === 'tags' ? 'tag' : key === 'offices' ? 'office' : key;
    return `${noun} ${value.join(', ')}`;
  }
  if (key === 'retryOf') return 'the failures of an earlier run';
  return key ?? '—';
}
