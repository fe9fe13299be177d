import './schedules-branches.css';

import type { FormEvent } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';

import type { Me } from '../api';
import { useCatalogue } from '../catalogue';
import { api, ApiError, errorText, formatInstant, mayWrite } from '../api';
import type { BranchLink } from '../branches';
import { PORTAL_NAMES } from '../fixes';
import type { EveryUnit } from '../schedules';
import {
  categoryNames,
  coverageInWords,
  EVERY_UNITS,
  everyInWords,
  everyToIso,
  fieldErrors,
  localToIso,
  skipInWords,
} from '../schedules';
import { runCategories } from '../selection';
import { Pager, usePaged } from './client/paging';

export interface Schedule {
  id: string;
  name: string;
  subjectKind: 'clients' | 'links';
  clients: Record<string, unknown> | null;
  links: Record<string, unknown> | null;
  categories: string[];
  period: Record<string, string> | null;
  every: string | null;
  cron: string | null;
  timezone: string;
  notBefore: string | null;
  enabled: boolean;
  lastRunId: string | null;
  nextRunAt: string | null;
  skippedAt: string | null;
  skipReason: string | null;
}

const PAGE_SIZE = 20;

/** The firm's sync schedules (client selections and branch links): list, create, pause/resume, delete. */
export function Schedules({ me }: { me: Me }) {
  const pager = usePaged<Schedule>('/sync-schedules', {}, PAGE_SIZE);
  const canWrite = mayWrite(me.role);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Schedule | null>(null);
  const catalogue = useCatalogue();
  const { page, error } = pager;

  async function setEnabled(s: Schedule, enabled: boolean) {
    setBusy(s.id);
    setActionError(null);
    try {
      await api('PATCH', `/sync-schedules/${s.id}`, { body: { enabled } });
      setNotice(`${s.name} ${enabled ? 'resumed' : 'paused'}.`);
      pager.reload();
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  async function remove(s: Schedule) {
    setBusy(s.id);
    setActionError(null);
    try {
      await api('DELETE', `/sync-schedules/${s.id}`);
      setNotice(`${s.name} deleted. Runs it started are kept.`);
      setConfirming(null);
      pager.reload();
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <h1>Schedules</h1>
      <p className="muted">
        Syncs that start by themselves: a selection of clients or branch links, with its categories, every so
        often.
      </p>
      {canWrite ? (
        !creating && (
          <p>
            <button type="button" className="primary" onClick={() => (setCreating(true), setNotice(null))}>
              New schedule
            </button>
          </p>
        )
      ) : (
        <p className="muted" role="note">
          Your role ({me.role}) can see schedules but not create, pause or delete them; ask an admin or an
          operator.
        </p>
      )}
      {creating && (
        <CreateSchedule
          onCancel={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            setNotice(`${s.name} saved; it first runs ${formatInstant(s.nextRunAt)}.`);
            pager.reload();
          }}
        />
      )}
      <div aria-live="polite">
        {notice && <p className="note-ok">{notice}</p>}
        {actionError && (
          <p className="error" role="alert">
            {actionError}
          </p>
        )}
      </div>

      <section className="panel" aria-labelledby="schedules-heading">
        <h2 id="schedules-heading">The firm’s schedules</h2>
        {error && (
          <p className="error" role="alert">
            Could not load the schedules: {error}{' '}
            <button type="button" onClick={pager.reload}>
              Try again
            </button>
          </p>
        )}
        {!page && !error && <p className="muted">Loading schedules…</p>}
        {page && page.items.length === 0 && pager.number === 1 && (
          <p data-testid="schedules-empty">
            No schedules yet
            {canWrite
              ? ' — create one with New schedule to sync clients or branch links by themselves.'
              : '.'}
          </p>
        )}
        {page && page.items.length > 0 && (
          <div className="table-wrap">
            <table className="stack schedules" aria-label="Schedules">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Covers</th>
                  <th scope="col">How often</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  {canWrite && <th scope="col">Actions</th>}
                </tr>
              </thead>
              <tbody>
                {page.items.map((s) => {
                  const skip = skipInWords(s.skipReason);
                  return (
                    <tr key={s.id} data-testid="schedule-row">
                      <th scope="row" data-label="Name">
                        {s.name}
                        {!s.enabled && <span className="badge paused">Paused</span>}
                      </th>
                      <td data-label="Covers">
                        {coverageInWords(s.clients, s.links)}
                        <div className="muted small">{categoryNames(s.categories, catalogue)}</div>
                      </td>
                      <td data-label="How often">
                        {everyInWords(s.every) ??
                          (s.cron ? `At calendar times (${s.cron}, ${s.timezone})` : '—')}
                        {s.notBefore && (
                          <div className="muted small">Not before {formatInstant(s.notBefore)}</div>
                        )}
                      </td>
                      <td data-label="Next run" data-testid="schedule-next">
                        {s.enabled ? formatInstant(s.nextRunAt) : 'Paused — no run until resumed'}
                      </td>
                      <td data-label="Last run">
                        {s.lastRunId ? (
                          <a href={`#/runs/${s.lastRunId}`}>Open the last run</a>
                        ) : (
                          'Not run yet'
                        )}
                        {skip && (
                          <div className="fix small" data-testid="schedule-skip">
                            {formatInstant(s.skippedAt)}: {skip.text}{' '}
                            {skip.runId && <a href={`#/runs/${skip.runId}`}>Open the run still going</a>}
                          </div>
                        )}
                      </td>
                      {canWrite && (
                        <td data-label="Actions">
                          <div className="row-actions">
                            <button
                              type="button"
                              disabled={busy === s.id}
                              onClick={() => void setEnabled(s, !s.enabled)}
                              aria-label={`${s.enabled ? 'Pause' : 'Resume'} ${s.name}`}
                            >
                              {s.enabled ? 'Pause' : 'Resume'}
                            </button>
                            <button
                              type="button"
                              className="danger"
                              disabled={busy === s.id}
                              onClick={() => setConfirming(s)}
                              aria-label={`Delete ${s.name}`}
                            >
                              Delete
                            </button>
                          </div>
                          {confirming?.id === s.id && (
                            <ConfirmDelete
                              name={s.name}
                              busy={busy === s.id}
                              onDelete={() => void remove(s)}
                              onKeep={() => setConfirming(null)}
                            />
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Pager label="Schedule pages" pager={pager} />
      </section>
    </>
  );
}

/** "Delete X?" in place: the focus on the answer that deletes, Escape or "Keep it" keeps the schedule. */
function ConfirmDelete({
  name,
  busy,
  onDelete,
  onKeep,
}: {
  name: string;
  busy: boolean;
  onDelete: () => void;
  onKeep: () => void;
}) {
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-label={`Delete ${name}?`}
      onKeyDown={(e) => e.key === 'Escape' && onKeep()}
    >
      <p>
        Delete <strong>{name}</strong>? It starts no more runs; runs it started are kept.
      </p>
      <button type="button" className="danger" disabled={busy} onClick={onDelete} ref={yes}>
        Yes, delete it
      </button>{' '}
      <button type="button" onClick={onKeep}>
        Keep it
      </button>
    </div>
  );
}

type Over = 'clients' | 'links';
type ClientScope = 'all' | 'tag' | 'office';

/** The form: name, what it covers (as the Sync Bucket selects), categories, every, not before. */
function CreateSchedule({ onCreated, onCancel }: { onCreated: (s: Schedule) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [over, setOver] = useState<Over>('clients');
  const [scope, setScope] = useState<ClientScope>('all');
  const [scopeValue, setScopeValue] = useState('');
  const [linkIds, setLinkIds] = useState<Set<string>>(new Set());
  const [allLinks, setAllLinks] = useState(true);
  const catalogue = useCatalogue();
  const [links, setLinks] = useState<BranchLink[] | null>(null);
  const [cats, setCats] = useState<Set<string>>(new Set());
  const [count, setCount] = useState('1');
  const [unit, setUnit] = useState<EveryUnit>('days');
  const [notBefore, setNotBefore] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => nameRef.current?.focus(), []);
  useEffect(() => {
    api<{ items: BranchLink[] }>('GET', '/branch-links', { query: { limit: 100 } }).then(
      (p) => setLinks(p.items),
      () => setLinks([]),
    );
  }, []);

  const portalCats = useMemo(() => catalogue.filter((c) => c.portal !== 'books'), [catalogue]);
  const portals = useMemo(() => [...new Set(portalCats.map((c) => c.portal))], [portalCats]);
  const every = everyToIso(count, unit);

  function toggle(set: Set<string>, id: string): Set<string> {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }

  function switchOver(next: Over) {
    setOver(next);
    setCats(new Set());
    setErrors({});
    if (next === 'links' && unit === 'days' && count === '1') setUnit('hours');
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const local: Record<string, string[]> = {};
    if (!name.trim()) local['name'] = ['Give the schedule a name.'];
    if (over === 'clients' && scope !== 'all' && !scopeValue.trim())
      local['clients'] = [`Type the ${scope} whose clients it syncs.`];
    if (over === 'links' && !allLinks && linkIds.size === 0)
      local['links'] = ['Tick at least one branch link.'];
    if (cats.size === 0) local['categories'] = ['Pick at least one category.'];
    if (!every) local['every'] = ['Type a whole number of at least 1.'];
    if (notBefore && !localToIso(notBefore))
      local['notBefore'] = ['Pick a date and time, or leave it empty.'];
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length) return;
    const selection =
      over === 'links'
        ? { links: allLinks ? { all: true } : { ids: [...linkIds] } }
        : {
            clients:
              scope === 'all'
                ? { all: true }
                : scope === 'tag'
                  ? { tags: [scopeValue.trim()] }
                  : { offices: [scopeValue.trim()] },
          };
    const categories = over === 'links' ? [...cats] : runCategories(cats, portalCats);
    setSaving(true);
    try {
      const created = await api<Schedule>('POST', '/sync-schedules', {
        body: {
          name: name.trim(),
          ...selection,
          categories,
          every,
          ...(notBefore ? { notBefore: localToIso(notBefore) } : {}),
        },
        idempotencyKey: crypto.randomUUID(),
      });
      onCreated(created);
    } catch (err) {
      if (err instanceof ApiError && err.problem?.errors?.length) {
        const byField = fieldErrors(err.problem.errors);
        setErrors(byField);
        if (byField['form']) setFormError(byField['form'].join(' '));
      } else setFormError(errorText(err));
    } finally {
      setSaving(false);
    }
  }

  const errorOf = (field: string) =>
    errors[field]?.length ? (
      <p className="field-error" id={`s-${field}-error`}>
        {errors[field].join(' ')}
      </p>
    ) : null;
  const describedBy = (field: string, hint?: string) =>
    [errors[field]?.length ? `s-${field}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <form
      className="panel schedule-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="new-schedule"
      noValidate
    >
      <h2 id="new-schedule">New schedule</h2>
      <div className="form-field">
        <label htmlFor="s-name">Name</label>
        <input
          id="s-name"
          ref={nameRef}
          value={name}
          maxLength={200}
          placeholder="e.g. GST monthly, every morning"
          onChange={(e) => setName(e.target.value)}
          aria-invalid={errors['name'] ? true : undefined}
          aria-describedby={describedBy('name')}
        />
        {errorOf('name')}
      </div>

      <fieldset>
        <legend>What it syncs</legend>
        <label>
          <input
            type="radio"
            name="s-over"
            checked={over === 'clients'}
            onChange={() => switchOver('clients')}
          />
          Clients (portal categories)
        </label>
        <label>
          <input type="radio" name="s-over" checked={over === 'links'} onChange={() => switchOver('links')} />
          Branch links (books)
        </label>
      </fieldset>

      {over === 'clients' ? (
        <fieldset aria-describedby={describedBy('clients')}>
          <legend>Which clients</legend>
          <p className="muted small">
            As in the Sync Bucket: all of the firm’s clients, or all with a tag or an office.
          </p>
          <label>
            <input type="radio" name="s-scope" checked={scope === 'all'} onChange={() => setScope('all')} />
            All clients
          </label>
          <label>
            <input type="radio" name="s-scope" checked={scope === 'tag'} onChange={() => setScope('tag')} />
            Clients with a tag
          </label>
          <label>
            <input
              type="radio"
              name="s-scope"
              checked={scope === 'office'}
              onChange={() => setScope('office')}
            />
            Clients of an office
          </label>
          {scope !== 'all' && (
            <div className="form-field">
              <label htmlFor="s-scope-value">{scope === 'tag' ? 'Tag' : 'Office'}</label>
              <input
                id="s-scope-value"
                value={scopeValue}
                onChange={(e) => setScopeValue(e.target.value)}
                aria-invalid={errors['clients'] ? true : undefined}
                aria-describedby={describedBy('clients')}
              />
            </div>
          )}
          {errorOf('clients')}
        </fieldset>
      ) : (
        <fieldset aria-describedby={describedBy('links')}>
          <legend>Which branch links</legend>
          <label>
            <input type="radio" name="s-links" checked={allLinks} onChange={() => setAllLinks(true)} />
            All branch links
          </label>
          <label>
            <input type="radio" name="s-links" checked={!allLinks} onChange={() => setAllLinks(false)} />
            Only the links I tick
          </label>
          {!allLinks &&
            (links === null ? (
              <p className="muted">Loading links…</p>
            ) : links.length === 0 ? (
              <p className="muted">The firm has no branch links yet.</p>
            ) : (
              links.map((l, i) => (
                <label key={l.id}>
                  <input
                    type="checkbox"
                    checked={linkIds.has(l.id)}
                    onChange={() => setLinkIds(toggle(linkIds, l.id))}
                  />
                  Link {i + 1} <span className="mono small">{l.id.slice(0, 8)}</span> (
                  {l.mode.replace('_', '-')})
                </label>
              ))
            ))}
          {errorOf('links')}
        </fieldset>
      )}

      <fieldset aria-describedby={describedBy('categories')}>
        <legend>Categories</legend>
        {over === 'links' ? (
          <>
            {['books.masters', 'books.transactions'].map((id) => (
              <label key={id}>
                <input type="checkbox" checked={cats.has(id)} onChange={() => setCats(toggle(cats, id))} />
                {id === 'books.masters'
                  ? 'Masters (groups, ledgers, stock items…)'
                  : 'Transactions (vouchers)'}
                <span className="mono small muted">{id}</span>
              </label>
            ))}
          </>
        ) : (
          <div className="portals">
            {portals.map((portal) => (
              <div key={portal} role="group" aria-label={PORTAL_NAMES[portal] ?? portal}>
                <strong>{PORTAL_NAMES[portal] ?? portal}</strong>
                {portalCats
                  .filter((c) => c.portal === portal)
                  .map((c) => (
                    <label key={c.id}>
                      <input
                        type="checkbox"
                        checked={cats.has(c.id)}
                        onChange={() => setCats(toggle(cats, c.id))}
                      />
                      {c.description}
                    </label>
                  ))}
              </div>
            ))}
            {portals.length === 0 && <p className="muted">Loading categories…</p>}
          </div>
        )}
        {over === 'clients' && (
          <p className="muted small">Each run syncs the period current when it starts.</p>
        )}
        {errorOf('categories')}
      </fieldset>

      <div className="form-row">
        <div className="form-field">
          <label htmlFor="s-every">Every</label>
          <div className="field-row">
            <input
              id="s-every"
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              value={count}
              onChange={(e) => setCount(e.target.value)}
              aria-invalid={errors['every'] ? true : undefined}
              aria-describedby={describedBy('every', 's-every-hint')}
            />
            <select aria-label="Unit" value={unit} onChange={(e) => setUnit(e.target.value as EveryUnit)}>
              {EVERY_UNITS.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.label}
                </option>
              ))}
            </select>
          </div>
          <p className="muted small" id="s-every-hint">
            {every ? `Runs ${everyInWords(every)}.` : ''} At least every 5 minutes over clients, every minute
            over branch links.
          </p>
          {errorOf('every')}
        </div>
        <div className="form-field">
          <label htmlFor="s-not-before">Not before (optional)</label>
          <input
            id="s-not-before"
            type="datetime-local"
            value={notBefore}
            onChange={(e) => setNotBefore(e.target.value)}
            aria-invalid={errors['notBefore'] ? true : undefined}
            aria-describedby={describedBy('notBefore', 's-not-before-hint')}
          />
          <p className="muted small" id="s-not-before-hint">
            No run starts before this time (your time); left empty, the first run starts right away.
          </p>
          {errorOf('notBefore')}
        </div>
      </div>

      {formError && (
        <p className="error" role="alert">
          {formError}
        </p>
      )}
      {Object.keys(errors).length > 0 && !formError && (
        <p className="error" role="alert">
          The schedule was not saved: fix the fields marked in red above.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save schedule'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
