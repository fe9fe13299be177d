import './admin.css';

import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';

import type { InvitedUser, Me, Role, User } from '../../api';
import { api, errorText, formatInstant, invitationLink } from '../../api';
import { ROLE_LABELS, USER_STATUS_LABELS } from '../../fixes';
import { Pager, usePaged } from '../client/paging';

const ROLES: Role[] = ['admin', 'operator', 'viewer'];

/**
 * The firm's people, for admins: who they are, their role and standing, when they last signed in; invite one
 * with a role (then pass the link on), change a role, disable or enable, unlock, resend an invitation.
 */
export function Users({ me }: { me: Me }) {
  const base = `/firms/${me.firmId}/users`;
  const pager = usePaged<User>(base, {}, 50);
  const [link, setLink] = useState<{ email: string; token: string; expiresAt: string | null } | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  if (me.role !== 'admin') {
    return (
      <section className="panel">
        <h1>Users</h1>
        <p>Only an admin of the firm manages users. Your role is {me.role}.</p>
      </section>
    );
  }

  const invited = (u: InvitedUser) => {
    setLink({ email: u.email, token: u.inviteToken, expiresAt: u.inviteExpiresAt });
    pager.reload();
  };

  return (
    <>
      <h1>Users</h1>
      <InviteForm base={base} onInvited={invited} />
      {link && <InvitationLink {...link} onDone={() => setLink(null)} />}
      <section aria-labelledby="users-heading" className="panel">
        <h2 id="users-heading">People of {me.firmName}</h2>
        {note && (
          <p className={note.ok ? 'note-ok' : 'error'} role={note.ok ? 'status' : 'alert'}>
            {note.text}
          </p>
        )}
        {pager.error && (
          <p className="error" role="alert">
            {pager.error}
          </p>
        )}
        <div className="table-wrap">
          <table className="users" aria-label="Users" aria-busy={pager.page === null}>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {pager.page?.items.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  base={base}
                  self={u.id === me.userId}
                  onChanged={(text, ok = true) => (setNote({ ok, text }), pager.reload())}
                  onInvited={invited}
                />
              ))}
            </tbody>
          </table>
        </div>
        {pager.page === null && !pager.error && <p className="muted">Loading users…</p>}
        <Pager label="User pages" pager={pager} />
      </section>
    </>
  );
}

function InviteForm({ base, onInvited }: { base: string; onInvited: (u: InvitedUser) => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api<InvitedUser>('POST', base, { body: { email: email.trim(), role } });
      setEmail('');
      onInvited(user);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="invite-heading" className="panel">
      <h2 id="invite-heading">Invite a person</h2>
      <form className="invite-form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="invite-email">Email</label>
          <input
            id="invite-email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={busy || !email.trim()}>
          Invite
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The one time the link is shown: the admin copies it and passes it on (it is not stored in readable form). */
function InvitationLink({
  email,
  token,
  expiresAt,
  onDone,
}: {
  email: string;
  token: string;
  expiresAt: string | null;
  onDone: () => void;
}) {
  const url = invitationLink(token);
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => input.current?.focus(), [token]);

  async function copy() {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Without clipboard access the text is selected: Ctrl+C copies it.
      setCopied(false);
    }
  }

  return (
    <section className="invite-link" aria-labelledby="invite-link-heading" role="region">
      <h2 id="invite-link-heading">Invitation link for {email}</h2>
      <p>
        Pass this link to {email} yourself (chat or email); they open it to set their password. It is shown
        only now{expiresAt ? ` and works until ${formatInstant(expiresAt)}` : ''}. Lost it? Use “Resend
        invitation”.
      </p>
      <label htmlFor="invite-url">Invitation link</label>
      <div className="field-row">
        <input
          id="invite-url"
          ref={input}
          readOnly
          value={url}
          onFocus={(e) => e.target.select()}
          data-testid="invitation-link"
        />
        <button type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy link'}
        </button>
      </div>
      <p>
        <button type="button" onClick={onDone}>
          Done, hide the link
        </button>
      </p>
    </section>
  );
}

function UserRow({
  user: u,
  base,
  self,
  onChanged,
  onInvited,
}: {
  user: User;
  base: string;
  self: boolean;
  onChanged: (text: string, ok?: boolean) => void;
  onInvited: (u: InvitedUser) => void;
}) {
  const [busy, setBusy] = useState(false);
  const path = `${base}/${u.id}`;

  async function act(fn: () => Promise<string | void>) {
    setBusy(true);
    try {
      const text = await fn();
      if (text) onChanged(text);
    } catch (err) {
      onChanged(errorText(err), false);
    } finally {
      setBusy(false);
    }
  }

  const status =
    u.status === 'locked' && u.lockedUntil
      ? `${USER_STATUS_LABELS.locked} until ${formatInstant(u.lockedUntil)}`
      : u.status === 'invited' && u.inviteExpiresAt
        ? `${USER_STATUS_LABELS.invited}; the link ${new Date(u.inviteExpiresAt) < new Date() ? 'expired' : 'works until'} ${formatInstant(u.inviteExpiresAt)}`
        : (USER_STATUS_LABELS[u.status] ?? u.status);

  return (
    <tr data-testid="user-row">
      <td data-label="Email">
        {u.email}
        {self && <span className="muted"> (you)</span>}
      </td>
      <td data-label="Role">
        <select
          aria-label={`Role of ${u.email}`}
          value={u.role}
          disabled={busy || self}
          title={self ? 'Another admin can change your role.' : undefined}
          onChange={(e) => {
            const role = e.target.value as Role;
            void act(async () => {
              await api('PATCH', path, { body: { role } });
              return `${u.email} is now ${role}.`;
            });
          }}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td data-label="Status">
        <span className={`user-status ${u.status}`}>{status}</span>
      </td>
      <td data-label="Last sign-in">{u.lastSignInAt ? formatInstant(u.lastSignInAt) : 'Never'}</td>
      <td data-label="Actions">
        <div className="row-actions">
          {u.status === 'locked' && (
            <button
              type="button"
              disabled={busy}
              aria-label={`Unlock ${u.email}`}
              onClick={() =>
                void act(async () => {
                  await api('POST', `${path}/unlock`);
                  return `${u.email} may sign in again.`;
                })
              }
            >
              Unlock
            </button>
          )}
          {u.status === 'invited' && (
            <button
              type="button"
              disabled={busy}
              aria-label={`Resend the invitation to ${u.email}`}
              onClick={() =>
                void act(async () => {
                  onInvited(await api<InvitedUser>('POST', `${path}/invitation`));
                })
              }
            >
              Resend invitation
            </button>
          )}
          {!self && (
            <button
              type="button"
              disabled={busy}
              aria-label={`${u.status === 'disabled' ? 'Enable' : 'Disable'} ${u.email}`}
              onClick={() =>
                void act(async () => {
                  const disabled = u.status !== 'disabled';
                  await api('PATCH', path, { body: { disabled } });
                  return disabled
                    ? `${u.email} is disabled: signed out everywhere, and cannot sign in.`
                    : `${u.email} may sign in again.`;
                })
              }
            >
              {u.status === 'disabled' ? 'Enable' : 'Disable'}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
