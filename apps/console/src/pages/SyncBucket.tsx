import type { FormEvent } from 'react';
import { useEffect, useMemo, useState } from 'react';

import type { Client, Me, Page, SyncRun } from '../api';
import { useCatalogue } from '../catalogue';
import { api, ApiError, mayWrite } from '../api';
import { navigate } from '../App';
import { formatPeriod, gstAfter, periodChoices } from '../periods';
import type { Filters, Picked, RunSelection } from '../selection';
import { MAX_IDS, runCategories, runSelection } from '../selection';

const PAGE_SIZE = 50;
const PORTAL_NAMES: Record<string, string> = { gst: 'GST', itr: 'Income Tax', esign: 'e-sign' };
const EMPTY: Filters = { q: '', tag: '', office: '' };

/** The seeds' Sync Bucket: pick clients (filters, by hand or Select All), pick categories, Start Sync. */
export function SyncBucket({ me }: { me: Me }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<Page<Client> | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [picked, setPicked] = useState<Picked>({ kind: 'ids', ids: [] });
  const catalogue = useCatalogue();
  const [cats, setCats] = useState<Set<string>>(new Set());
  const [gstPeriod, setGstPeriod] = useState<string | null>(null);
  const [itrPeriod, setItrPeriod] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const canStart = mayWrite(me.role);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    let live = true;
    setPage(null);
    api<Page<Client>>('GET', '/clients', { query: { ...filters, limit: PAGE_SIZE, cursor } }).then(
      (p) => live && (setPage(p), setLoadError(null)),
      (e: unknown) => live && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [filters, cursor]);

  const portals = useMemo(() => [...new Set(catalogue.map((c) => c.portal))], [catalogue]);
  const choices = useMemo(() => periodChoices(catalogue), [catalogue]);
  // Until a person picks one: the latest GSTR-2B that exists, the last completed assessment year.
  const gst = gstPeriod ?? choices.gstDefault;
  const itr = itrPeriod ?? choices.itrDefault;
  const picksPortal = (portal: string) => catalogue.some((c) => c.portal === portal && cats.has(c.id));
  const gstr2bTooLate =
    cats.has('gst.gstr2b') &&
    gst !== null &&
    choices.gstr2bLatest !== null &&
    gstAfter(gst, choices.gstr2bLatest);
  const pickedIds = picked.kind === 'ids' ? new Set(picked.ids) : null;
  const pageIds = page?.items.map((c) => c.id) ?? [];
  const pageAllPicked = pageIds.length > 0 && pageIds.every((id) => pickedIds?.has(id) ?? true);

  function applyFilters(e: FormEvent) {
    e.preventDefault();
    setFilters({ ...draft });
    setCursors([undefined]);
    // "All matching" meant the old filters; ticks by hand stay ticked.
    if (picked.kind === 'matching') setPicked({ kind: 'ids', ids: [] });
  }

  function toggle(id: string) {
    if (!pickedIds) return;
    const next = new Set(pickedIds);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked({ kind: 'ids', ids: [...next] });
  }

  function togglePage() {
    if (!pickedIds) return;
    const next = new Set(pickedIds);
    for (const id of pageIds) {
      if (pageAllPicked) next.delete(id);
      else next.add(id);
    }
    setPicked({ kind: 'ids', ids: [...next] });
  }

  function toggleCategory(id: string) {
    const next = new Set(cats);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setCats(next);
  }

  function togglePortal(portal: string) {
    const ids = catalogue.filter((c) => c.portal === portal).map((c) => c.id);
    const all = ids.every((id) => cats.has(id));
    const next = new Set(cats);
    for (const id of ids) {
      if (all) next.delete(id);
      else next.add(id);
    }
    setCats(next);
  }

  async function start() {
    setStarting(true);
    setStartError(null);
    try {
      const clients = runSelection(filters, picked) ?? (await matchingIds(filters));
      const period: Record<string, string> = {};
      if (gst && picksPortal('gst')) period['gst'] = gst;
      if (itr && picksPortal('itr')) period['itr'] = itr;
      const run = await api<SyncRun>('POST', '/sync-runs', {
        body: {
          clients,
          categories: runCategories(cats, catalogue),
          ...(Object.keys(period).length ? { period } : {}),
        },
        idempotencyKey: crypto.randomUUID(),
      });
      navigate(`#/runs/${run.id}`);
    } catch (e) {
      setStartError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  }

  const selectedCount = picked.kind === 'ids' ? picked.ids.length : null;
  const nothingPicked = picked.kind === 'ids' && picked.ids.length === 0;
  const filtered = filters.q || filters.tag || filters.office;

  return (
    <>
      <h1>Sync Bucket</h1>
      <section aria-labelledby="clients-heading" className="panel">
        <h2 id="clients-heading">Clients</h2>
        <form role="search" className="filters" onSubmit={applyFilters} aria-label="Filter clients">
          <div>
            <label htmlFor="f-q">Search</label>
            <input
              id="f-q"
              type="search"
              placeholder="Name, PAN, TAN or GSTIN"
              value={draft.q}
              onChange={(e) => setDraft({ ...draft, q: e.target.value })}
            />
          </div>
          <div>
            <label htmlFor="f-tag">Tag</label>
            <input
              id="f-tag"
              value={draft.tag}
              onChange={(e) => setDraft({ ...draft, tag: e.target.value })}
            />
          </div>
          <div>
            <label htmlFor="f-office">Office</label>
            <input
              id="f-office"
              value={draft.office}
              onChange={(e) => setDraft({ ...draft, office: e.target.value })}
            />
          </div>
          <button type="submit">Apply filters</button>
        </form>

        <div className="selection-bar" aria-live="polite">
          {picked.kind === 'matching' ? (
            <>
              <span>
                <strong>All clients {filtered ? 'matching the filters' : 'of the firm'}</strong> are selected,
                including pages not shown.
              </span>
              <button type="button" onClick={() => setPicked({ kind: 'ids', ids: [] })}>
                Clear selection
              </button>
            </>
          ) : (
            <>
              <span>
                {selectedCount} client{selectedCount === 1 ? '' : 's'} selected.
              </span>
              <button
                type="button"
                onClick={() => setPicked({ kind: 'matching' })}
                disabled={!page?.items.length}
              >
                Select all {filtered ? 'matching ' : ''}clients
              </button>
              {selectedCount ? (
                <button type="button" onClick={() => setPicked({ kind: 'ids', ids: [] })}>
                  Clear selection
                </button>
              ) : null}
            </>
          )}
        </div>

        {loadError && (
          <p className="error" role="alert">
            {loadError}
          </p>
        )}
        <div className="table-wrap">
          <table aria-label="Clients" aria-busy={page === null}>
            <thead>
              <tr>
                <th scope="col" className="check">
                  <input
                    type="checkbox"
                    aria-label="Select the clients on this page"
                    checked={pageAllPicked}
                    disabled={picked.kind === 'matching' || !pageIds.length}
                    onChange={togglePage}
                  />
                </th>
                <th scope="col">Name</th>
                <th scope="col">PAN</th>
                <th scope="col">GSTINs</th>
                <th scope="col">Office</th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {page?.items.map((c) => (
                <tr key={c.id}>
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${c.name}`}
                      checked={picked.kind === 'matching' || (pickedIds?.has(c.id) ?? false)}
                      disabled={picked.kind === 'matching'}
                      onChange={() => toggle(c.id)}
                    />
                  </td>
                  <td>
                    <a href={`#/clients/${c.id}`}>{c.name}</a>
                  </td>
                  <td className="mono">{c.pan ?? '—'}</td>
                  <td className="mono">{c.gstins.join(', ') || '—'}</td>
                  <td>{c.office ?? '—'}</td>
                  <td>
                    {c.tags.map((t) => (
                      <span className="tag" key={t}>
                        {t}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
              {page && page.items.length === 0 && (
                <tr>
                  <td colSpan={6}>No client matches these filters.</td>
                </tr>
              )}
              {page === null && !loadError && (
                <tr>
                  <td colSpan={6}>Loading clients…</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label="Client pages">
          <button
            type="button"
            disabled={cursors.length < 2}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Previous page
          </button>
          <span>Page {cursors.length}</span>
          <button
            type="button"
            disabled={!page?.nextCursor}
            onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
          >
            Next page
          </button>
        </nav>
      </section>

      <section aria-labelledby="categories-heading" className="panel">
        <h2 id="categories-heading">Data categories</h2>
        <div className="portals">
          {portals.map((portal) => {
            const items = catalogue.filter((c) => c.portal === portal);
            const chosen = items.filter((c) => cats.has(c.id)).length;
            const hasPeriods = items.some((c) => c.defaultPeriod);
            return (
              <fieldset key={portal}>
                <legend>{PORTAL_NAMES[portal] ?? portal}</legend>
                <label className="all">
                  <input
                    type="checkbox"
                    checked={chosen === items.length}
                    ref={(el) => {
                      if (el) el.indeterminate = chosen > 0 && chosen < items.length;
                    }}
                    onChange={() => togglePortal(portal)}
                  />
                  ALL {PORTAL_NAMES[portal] ?? portal}
                </label>
                {items.map((c) => (
                  <label key={c.id}>
                    <input type="checkbox" checked={cats.has(c.id)} onChange={() => toggleCategory(c.id)} />
                    <span>
                      {c.description}
                      <span className="category-meta muted">
                        <span className="mono">{c.id}</span>
                        {c.defaultPeriod ? ` · latest ${formatPeriod(c.defaultPeriod)}` : ''}
                      </span>
                    </span>
                  </label>
                ))}
                {hasPeriods && portal === 'gst' && choices.gstOptions.length > 0 && (
                  <div className="period-picker">
                    <label htmlFor="p-gst">GST return period</label>
                    <select id="p-gst" value={gst ?? ''} onChange={(e) => setGstPeriod(e.target.value)}>
                      {choices.gstOptions.map((p) => (
                        <option key={p} value={p}>
                          {formatPeriod(p)}
                          {choices.gstr2bLatest && gstAfter(p, choices.gstr2bLatest)
                            ? ' (GSTR-2B not generated yet)'
                            : ''}
                        </option>
                      ))}
                    </select>
                    <p className="muted small">
                      Defaults to the latest month whose GSTR-2B exists; every GST category picked syncs this
                      month.
                    </p>
                    {gstr2bTooLate && (
                      <p className="fix small" role="note">
                        GSTR-2B for {formatPeriod(gst)} is not generated yet (the portal makes it on the 14th
                        of the next month): its jobs will fail. The latest that exists is{' '}
                        {formatPeriod(choices.gstr2bLatest)}.
                      </p>
                    )}
                  </div>
                )}
                {hasPeriods && portal === 'itr' && choices.itrOptions.length > 0 && (
                  <div className="period-picker">
                    <label htmlFor="p-itr">Assessment year</label>
                    <select id="p-itr" value={itr ?? ''} onChange={(e) => setItrPeriod(e.target.value)}>
                      {choices.itrOptions.map((p) => (
                        <option key={p} value={p}>
                          AY {p}
                        </option>
                      ))}
                    </select>
                  </div>
                )}
              </fieldset>
            );
          })}
        </div>
      </section>

      <div className="start">
        {canStart ? (
          <button
            type="button"
            className="primary"
            disabled={starting || nothingPicked || cats.size === 0}
            onClick={() => void start()}
          >
            {starting ? 'Starting…' : 'Start Sync'}
          </button>
        ) : (
          <p className="muted" role="note">
            Your role ({me.role}) can look at clients and runs but not start a sync; ask an admin.
          </p>
        )}
        {canStart && (nothingPicked || cats.size === 0) && (
          <p className="muted">Pick clients and at least one category to start.</p>
        )}
        {startError && (
          <p className="error" role="alert">
            {startError}
          </p>
        )}
      </div>
    </>
  );
}

/** "All matching" that no single selection can say (a search): the ids of every matching client. */
async function matchingIds(filters: Filters): Promise<RunSelection> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<Page<Client>>('GET', '/clients', { query: { ...filters, limit: 200, cursor } });
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor ?? undefined;
    if (ids.length > MAX_IDS) {
      throw new ApiError(422, {
        type: 'about:blank',
        title: 'Too many clients',
        status: 422,
        detail: `More than ${MAX_IDS} clients match this search; narrow it, or use a tag or an office alone.`,
      });
    }
  } while (cursor);
  return { ids };
}
