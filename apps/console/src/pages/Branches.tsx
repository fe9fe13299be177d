import './schedules-branches.css';

import { useCallback, useEffect, useRef, useState } from 'react';

import type { Me, Page, SyncRun } from '../api';
import { api, ApiError, errorText, formatInstant, mayWrite } from '../api';
import type { BranchConflict, BranchLink, Company } from '../branches';
import { conflictRows, conflictTitle, linkCategories, mayRestart } from '../branches';
import { COMPANY_ROLES, LINK_STATE_LABELS, linkProblems, restartRefusal } from '../fixes';
import { Pager, usePaged } from './client/paging';

const LINKS_PER_PAGE = 10;
const COMPANIES_PER_PAGE = 25;
/** How long after an action the page keeps refreshing the links, to show the sync's outcome. */
const WATCH_MS = 180_000;
const REFRESH_MS = 4_000;

const MODES: Record<string, string> = {
  online: 'Online — changes move at every sync',
  on_demand: 'On demand — changes wait while the other end is away',
};

type Names = Record<string, string>;

/** Companies and the branch links between them: state, held changes, conflicts; Sync now, Restart, resolve. */
export function Branches({ me }: { me: Me }) {
  const links = usePaged<BranchLink>('/branch-links', {}, LINKS_PER_PAGE);
  const companies = usePaged<Company>('/companies', {}, COMPANIES_PER_PAGE);
  const [names, setNames] = useState<Names>({});
  const [watchUntil, setWatchUntil] = useState(0);
  const asked = useRef(new Set<string>());
  const canWrite = mayWrite(me.role);
  // usePaged hands out a new reload on every render; timers and callbacks use the latest through a ref.
  const reloadRef = useRef(links.reload);
  reloadRef.current = links.reload;
  const reloadLinks = useCallback(() => reloadRef.current(), []);

  // Names of the companies on this page of links (the companies list may be on another page).
  useEffect(() => {
    const known: Names = {};
    for (const c of companies.page?.items ?? []) known[c.id] = c.name;
    if (Object.keys(known).length) setNames((n) => ({ ...n, ...known }));
  }, [companies.page]);
  useEffect(() => {
    const ids = new Set<string>();
    for (const l of links.page?.items ?? []) ids.add(l.clientCompanyId).add(l.serverCompanyId);
    for (const id of ids) {
      if (asked.current.has(id)) continue;
      asked.current.add(id);
      api<Company>('GET', `/companies/${id}`).then(
        (c) => setNames((n) => ({ ...n, [c.id]: c.name })),
        () => undefined,
      );
    }
  }, [links.page]);

  // While a link syncs, or for a while after a person acted, the page follows the links' state.
  const syncing = links.page?.items.some((l) => l.state === 'syncing') ?? false;
  useEffect(() => {
    if (!syncing && watchUntil < Date.now()) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reloadLinks();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [syncing, watchUntil, reloadLinks]);

  const acted = useCallback(() => {
    setWatchUntil(Date.now() + WATCH_MS);
    reloadLinks();
  }, [reloadLinks]);

  return (
    <>
      <h1>Branches</h1>
      <p className="muted">
        Books kept in step between the head office and its branches: each link’s state, the changes it holds
        while the other end is away, and objects changed at both ends that wait for a person.
      </p>
      {!canWrite && (
        <p className="muted" role="note">
          Your role ({me.role}) can see the links but not sync, restart or resolve them; ask an operator or an
          admin.
        </p>
      )}

      <section className="panel" aria-labelledby="links-heading">
        <div className="section-head">
          <h2 id="links-heading">Branch links</h2>
          <button type="button" onClick={reloadLinks}>
            Refresh
          </button>
        </div>
        {links.error && (
          <p className="error" role="alert">
            Could not load the branch links: {links.error}{' '}
            <button type="button" onClick={reloadLinks}>
              Try again
            </button>
          </p>
        )}
        {!links.page && !links.error && <p className="muted">Loading branch links…</p>}
        {links.page && links.page.items.length === 0 && links.number === 1 && (
          <p data-testid="links-empty">
            No branch links yet — an admin links a branch company to its head office (with the rules of what
            moves) through the API; they then show here with their state.
          </p>
        )}
        <ul className="link-list">
          {links.page?.items.map((l) => (
            <LinkCard key={l.id} link={l} names={names} canWrite={canWrite} onActed={acted} />
          ))}
        </ul>
        <Pager label="Branch link pages" pager={links} />
      </section>

      <section className="panel" aria-labelledby="companies-heading">
        <h2 id="companies-heading">Companies</h2>
        {companies.error && (
          <p className="error" role="alert">
            Could not load the companies: {companies.error}{' '}
            <button type="button" onClick={companies.reload}>
              Try again
            </button>
          </p>
        )}
        {!companies.page && !companies.error && <p className="muted">Loading companies…</p>}
        {companies.page && companies.page.items.length === 0 && companies.number === 1 && (
          <p>No companies yet — an admin adds the head office and each branch (their books address) first.</p>
        )}
        {companies.page && companies.page.items.length > 0 && (
          <div className="table-wrap">
            <table aria-label="Companies" className="companies">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {companies.page.items.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{COMPANY_ROLES[c.role] ?? c.role}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager label="Company pages" pager={companies} />
      </section>
    </>
  );
}

interface Outcome {
  kind: 'ok' | 'error';
  text: string;
  runId?: string;
}

function LinkCard({
  link,
  names,
  canWrite,
  onActed,
}: {
  link: BranchLink;
  names: Names;
  canWrite: boolean;
  onActed: () => void;
}) {
  const [conflicts, setConflicts] = useState<{ count: number; more: boolean } | null>(null);
  const [conflictsError, setConflictsError] = useState<string | null>(null);
  const [showConflicts, setShowConflicts] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [bump, setBump] = useState(0);
  const client = names[link.clientCompanyId] ?? 'Client company';
  const server = names[link.serverCompanyId] ?? 'Server company';
  const title = `${client} ⇄ ${server}`;
  const categories = linkCategories(link);
  // The open conflicts' live count says what "objects wait in the conflict queue" said at the last sync.
  const problems = linkProblems(link.error).filter((p) => !p.conflictsOnly);
  const restartable = mayRestart(link);

  // The open conflicts' count, again after each sync and each resolution.
  useEffect(() => {
    let live = true;
    api<Page<BranchConflict>>('GET', `/branch-links/${link.id}/conflicts`, { query: { limit: 100 } }).then(
      (p) =>
        live &&
        (setConflicts({ count: p.items.length, more: p.nextCursor !== null }), setConflictsError(null)),
      (e: unknown) => live && setConflictsError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [link.id, link.lastSyncAt, link.state, bump]);

  async function syncNow() {
    setBusy(true);
    setOutcome(null);
    try {
      const run = await api<SyncRun>('POST', '/sync-runs', {
        body: { links: { ids: [link.id] }, categories },
        idempotencyKey: crypto.randomUUID(),
      });
      setOutcome({ kind: 'ok', text: 'Sync started.', runId: run.id });
      onActed();
    } catch (e) {
      setOutcome({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  async function restart() {
    setBusy(true);
    setOutcome(null);
    try {
      const run = await api<SyncRun>('POST', `/branch-links/${link.id}/restart`);
      setOutcome({ kind: 'ok', text: 'Restarted: a sync of this link has started.', runId: run.id });
      onActed();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 422)) {
        const runId = (e.problem as { runId?: string } | null)?.runId;
        setOutcome({ kind: 'error', text: restartRefusal(e.problem, e.status), runId });
      } else setOutcome({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  const openCount = conflicts ? `${conflicts.count}${conflicts.more ? '+' : ''}` : 'Checking…';
  const headingId = `link-${link.id}`;

  return (
    <li className={`link-card state-${link.state}`} data-testid="link-card" aria-labelledby={headingId}>
      <div className="link-head">
        <h3 id={headingId}>{title}</h3>
        <span className={`link-state ${link.state}`} data-testid="link-state">
          {LINK_STATE_LABELS[link.state] ?? link.state}
        </span>
      </div>
      <dl className="link-facts">
        <div>
          <dt>Client side</dt>
          <dd>{client}</dd>
        </div>
        <div>
          <dt>Server side</dt>
          <dd>{server}</dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>{MODES[link.mode] ?? link.mode}</dd>
        </div>
        <div>
          <dt>Last sync</dt>
          <dd data-testid="link-last-sync">{link.lastSyncAt ? formatInstant(link.lastSyncAt) : 'Never'}</dd>
        </div>
        <div>
          <dt>Held changes</dt>
          <dd data-testid="link-held">
            {link.held.count === 0
              ? 'None'
              : `${link.held.count} change${link.held.count === 1 ? '' : 's'} held, the oldest since ${formatInstant(link.held.oldestAt)}`}
          </dd>
        </div>
        <div>
          <dt>Open conflicts</dt>
          <dd data-testid="link-conflicts">{conflictsError ? 'Could not load' : openCount}</dd>
        </div>
      </dl>
      {link.held.count > 0 && (
        <p className="fix small">
          The receiving company’s books did not answer, so these changes wait, sealed, until it is back; then
          the next sync applies them in order. Changes held longer than 7 days expire.
        </p>
      )}
      {problems.length > 0 && (
        <ul className="link-problems" data-testid="link-problems" aria-label={`Why ${title} failed`}>
          {problems.map((p, i) => (
            <li key={i}>
              <span className="reason">
                {p.kind ? `${p.kind}: ` : ''}
                {p.text}
              </span>
              {p.detail && <span> {p.detail}</span>}
              {p.fix && <span className="fix"> {p.fix}</span>}
            </li>
          ))}
        </ul>
      )}
      {link.rules.every((r) => r.status !== 'active') && (
        <p className="muted small">
          No rule of this link is active yet, so nothing moves; an admin activates them.
        </p>
      )}
      <div className="actions">
        {canWrite && (
          <button
            type="button"
            className={restartable ? undefined : 'primary'}
            disabled={busy || categories.length === 0}
            onClick={() => void syncNow()}
            aria-label={`Sync now: ${title}`}
          >
            Sync now
          </button>
        )}
        {canWrite && restartable && (
          <button
            type="button"
            className={link.state === 'syncing' ? undefined : 'primary'}
            disabled={busy}
            onClick={() => void restart()}
            aria-label={`${link.state === 'syncing' ? 'Restart (if stuck)' : 'Restart'}: ${title}`}
          >
            {link.state === 'syncing' ? 'Restart (if stuck)' : 'Restart'}
          </button>
        )}
        {(conflicts?.count ?? 0) > 0 && (
          <button
            type="button"
            aria-expanded={showConflicts}
            aria-controls={`conflicts-${link.id}`}
            onClick={() => setShowConflicts(!showConflicts)}
          >
            {showConflicts ? 'Hide conflicts' : `Show conflicts (${openCount})`}
          </button>
        )}
      </div>
      <div aria-live="polite">
        {outcome && (
          <p className={outcome.kind === 'ok' ? 'note-ok' : 'error'} data-testid="link-outcome">
            {outcome.text}{' '}
            {outcome.runId && (
              <a href={`#/runs/${outcome.runId}`}>
                {outcome.kind === 'ok' ? 'Watch the run' : 'Open that run'}
              </a>
            )}
          </p>
        )}
      </div>
      {showConflicts && (
        <ConflictList
          id={`conflicts-${link.id}`}
          link={link}
          client={client}
          server={server}
          canWrite={canWrite}
          onResolved={() => {
            setBump((n) => n + 1);
            onActed();
          }}
        />
      )}
    </li>
  );
}

function ConflictList({
  id,
  link,
  client,
  server,
  canWrite,
  onResolved,
}: {
  id: string;
  link: BranchLink;
  client: string;
  server: string;
  canWrite: boolean;
  onResolved: () => void;
}) {
  const pager = usePaged<BranchConflict>(`/branch-links/${link.id}/conflicts`, {}, 10);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<Outcome | null>(null);
  const reload = pager.reload;

  async function resolve(c: BranchConflict, keep: 'client' | 'server') {
    setBusy(c.id);
    setMessage(null);
    try {
      await api('POST', `/branch-conflicts/${c.id}/resolve`, { body: { keep } });
      setMessage({
        kind: 'ok',
        text: `${conflictTitle(c)}: kept ${keep === 'client' ? client : server}’s version in both companies.`,
      });
      reload();
      onResolved();
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section id={id} className="conflicts" aria-label={`Conflicts of ${client} ⇄ ${server}`}>
      <h4>Changed at both ends</h4>
      <p className="muted small">
        Each object below was changed in both companies since the last sync; neither change moved. Keep one
        version and it is written to both companies’ books.
      </p>
      <div aria-live="polite">
        {message && (
          <p className={message.kind === 'ok' ? 'note-ok' : 'error'} data-testid="conflict-outcome">
            {message.text}
          </p>
        )}
      </div>
      {pager.error && (
        <p className="error" role="alert">
          Could not load the conflicts: {pager.error}
        </p>
      )}
      {!pager.page && !pager.error && <p className="muted">Loading conflicts…</p>}
      {pager.page && pager.page.items.length === 0 && <p>No open conflicts on this link.</p>}
      {pager.page?.items.map((c) => {
        const rows = conflictRows(c.client, c.server);
        const name = conflictTitle(c);
        return (
          <article key={c.id} className="conflict" data-testid="conflict" aria-label={name}>
            <h5>
              {name} <span className="muted small">found {formatInstant(c.detectedAt)}</span>
            </h5>
            <div className="table-wrap">
              <table className="versions stack" aria-label={`Both versions of ${name}`}>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">{client} (client)</th>
                    <th scope="col">{server} (server)</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.field} className={r.differs ? 'differs' : undefined}>
                      <th scope="row" className="mono">
                        {r.differs && <span aria-label="differs">≠ </span>}
                        {r.field}
                      </th>
                      <td className="wrap" data-label={`${client} (client)`}>
                        {r.client}
                      </td>
                      <td className="wrap" data-label={`${server} (server)`}>
                        {r.server}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {canWrite && (
              <div className="actions">
                <button
                  type="button"
                  disabled={busy === c.id}
                  onClick={() => void resolve(c, 'client')}
                  aria-label={`Keep client version (${client}) of ${name}`}
                >
                  Keep client version
                </button>
                <button
                  type="button"
                  disabled={busy === c.id}
                  onClick={() => void resolve(c, 'server')}
                  aria-label={`Keep server version (${server}) of ${name}`}
                >
                  Keep server version
                </button>
              </div>
            )}
          </article>
        );
      })}
      <Pager label="Conflict pages" pager={pager} />
    </section>
  );
}
