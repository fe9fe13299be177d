import type { FormEvent, ReactNode } from 'react';
import { useRef, useState } from 'react';

import type { AccessStatus, Client, Me } from '../../api';
import { api, errorText, formatInstant, mayWrite } from '../../api';
import { ACCESS_LABELS, howToFix, PORTAL_NAMES, staffReason } from '../../fixes';
import { Pager, usePaged } from './paging';

/** The identifier the firm-wide e-filing and e-sign accounts are listed under. */
export const ACCOUNT = 'account';

/**
 * Portal access for this client: the health of each GSTIN's session, the PAN's consent (and the firm's e-filing
 * account it needs), the e-sign client file (and the firm's e-sign account); and where a person is needed, the
 * forms to do it: a GST username and the OTP the portal sends, a taxpayer's consent OTP.
 */
export function AccessTab({ client, me }: { client: Client; me: Me }) {
  const pager = usePaged<AccessStatus>('/credentials', { clientId: client.id }, 50);
  const canWrite = mayWrite(me.role);

  return (
    <section aria-labelledby="access-heading" className="panel">
      <h2 id="access-heading">Access</h2>
      <p className="muted">
        What each portal needs so this client&apos;s syncs run without anyone: a GST session per GSTIN (opened
        with the OTP the portal sends to the taxpayer), the taxpayer&apos;s consent for Income Tax, the
        firm&apos;s e-sign account.
        {!canWrite && ` Your role (${me.role}) can see access but not change it.`}
      </p>
      {pager.error && (
        <p className="error" role="alert">
          {pager.error}
        </p>
      )}
      {pager.page === null && !pager.error && <p className="muted">Loading access…</p>}
      {pager.page && pager.page.items.length === 0 && (
        <p>This client has no identifier a portal needs access for.</p>
      )}
      <ul className="access">
        {pager.page?.items.map((a) => (
          <AccessItem
            key={`${a.portal}|${a.identifier}`}
            access={a}
            canWrite={canWrite}
            onChanged={pager.reload}
          />
        ))}
      </ul>
      <Pager label="Access pages" pager={pager} />
    </section>
  );
}

export function describeAccess(a: AccessStatus): string {
  if (a.identifier === ACCOUNT)
    return a.portal === 'itr' ? "The firm's e-filing (ERI) account" : "The firm's e-sign account";
  if (a.portal === 'gst') return `GSTIN ${a.identifier}`;
  if (a.portal === 'itr') return `PAN ${a.identifier} (taxpayer's consent)`;
  return `Client file ${a.identifier}`;
}

/**
 * One portal identifier's access: its health in words and symbol, what is wrong and how to fix it, and (for a
 * role that may write) the form that fixes it. Shared by the client's Access tab and the firm's Accounts screen;
 * `accountForms` shows the firm accounts' own forms (re-entering the ERI login or the e-sign key), which the
 * client tab leaves to the Accounts screen.
 */
export function AccessItem({
  access: a,
  canWrite,
  onChanged,
  accountForms = false,
  labels = ACCESS_LABELS,
}: {
  access: AccessStatus;
  canWrite: boolean;
  onChanged: () => void;
  accountForms?: boolean;
  labels?: Record<string, string>;
}) {
  const fix = howToFix(a.errorCode, a.portal);
  const firmAccount = a.identifier === ACCOUNT || (a.portal === 'esign' && a.status === 'missing');
  // A GSTIN's session and a PAN's consent are entered here; the firm's accounts (and a PAN's consent before
  // the firm's e-filing account exists) on the Accounts screen.
  const forms =
    canWrite &&
    !firmAccount &&
    (a.portal === 'gst' || (a.portal === 'itr' && a.errorCode !== 'credentials_missing'));
  const accountForm = accountForms && canWrite && a.identifier === ACCOUNT;
  return (
    <li className={`access-item ${a.status}`} data-testid="access-item">
      <div className="access-head">
        <span className="portal">{PORTAL_NAMES[a.portal] ?? a.portal}</span>
        <span className="what">{describeAccess(a)}</span>
        <span className={`health ${a.status}`}>{labels[a.status] ?? a.status}</span>
      </div>
      {a.detail && a.status !== 'ok' && <p className="reason">{staffReason(a.detail)}</p>}
      {a.status === 'ok' && !accountForms && (
        <p className="muted small">
          {a.expiresAt ? `Session valid until ${formatInstant(a.expiresAt)}.` : 'In place.'}
          {a.updatedAt ? ` Last changed ${formatInstant(a.updatedAt)}.` : ''}
        </p>
      )}
      {a.status === 'expiring' && a.expiresAt && (
        <p className="fix">
          The session ends {formatInstant(a.expiresAt)}: renew it with a new OTP before then.
        </p>
      )}
      {accountForms && (
        <p className="muted small" data-testid="last-checked">
          {a.updatedAt ? `Last checked ${formatInstant(a.updatedAt)}.` : 'Never stored.'}
        </p>
      )}
      {!forms && !accountForm && a.status !== 'ok' && fix && <p className="fix">{fix.text}</p>}
      {accountForm && a.portal === 'itr' && <ItrAccount open={a.status !== 'ok'} onChanged={onChanged} />}
      {accountForm && a.portal === 'esign' && <EsignAccount open={a.status !== 'ok'} onChanged={onChanged} />}
      {forms && a.portal === 'gst' && (
        <GstSession gstin={a.identifier} open={a.status !== 'ok'} onChanged={onChanged} />
      )}
      {forms && a.portal === 'itr' && (
        <ItrConsent pan={a.identifier} open={a.status !== 'ok'} onChanged={onChanged} />
      )}
    </li>
  );
}

/** A GST session: the username (the portal then sends the taxpayer an OTP), then that OTP. */
function GstSession({ gstin, open, onChanged }: { gstin: string; open: boolean; onChanged: () => void }) {
  const [username, setUsername] = useState('');
  const [otp, setOtp] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [sent, setSent] = useState<{ ok: boolean; text: string } | null>(null);
  const otpInput = useRef<HTMLInputElement>(null);

  async function sendOtp(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setSent(null);
    setNote(null);
    try {
      await api('PUT', `/credentials/gst/${gstin}`, { body: { username: username.trim() } });
      setSent({
        ok: true,
        text: "The portal sent an OTP to the taxpayer's registered mobile. Enter it below.",
      });
      otpInput.current?.focus();
    } catch (err) {
      setSent({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  async function submitOtp(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setNote(null);
    try {
      await api('POST', `/credentials/gst/${gstin}/otp`, { body: { otp: otp.trim() } });
      setOtp('');
      setNote({ ok: true, text: `The GST session for ${gstin} is open.` });
      onChanged();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  const body = (
    <div className="access-forms">
      <form onSubmit={(e) => void sendOtp(e)} aria-label={`Send an OTP for ${gstin}`}>
        <label htmlFor={`u-${gstin}`}>1. GST portal username for {gstin}</label>
        <div className="field-row">
          <input
            id={`u-${gstin}`}
            autoComplete="off"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <button type="submit" disabled={busy || !username.trim()}>
            Send OTP
          </button>
        </div>
        {sent && (
          <p className={sent.ok ? 'note-ok' : 'error'} role={sent.ok ? 'status' : 'alert'}>
            {sent.text}
          </p>
        )}
      </form>
      <form onSubmit={(e) => void submitOtp(e)} aria-label={`Enter the OTP for ${gstin}`}>
        <label htmlFor={`o-${gstin}`}>2. OTP for {gstin}</label>
        <div className="field-row">
          <input
            id={`o-${gstin}`}
            ref={otpInput}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            aria-describedby={`oh-${gstin}`}
            value={otp}
            onChange={(e) => setOtp(e.target.value)}
          />
          <button type="submit" className="primary" disabled={busy || !/^\d{6}$/.test(otp.trim())}>
            Submit OTP
          </button>
        </div>
        <p id={`oh-${gstin}`} className="muted small">
          6 digits, from the taxpayer. An OTP works once; if it is refused, send a new one.
        </p>
      </form>
      {note && (
        <p className={note.ok ? 'note-ok' : 'error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
    </div>
  );
  if (open) return body;
  return (
    <details className="renew">
      <summary>Renew the session with a new OTP</summary>
      {body}
    </details>
  );
}

/** A taxpayer's consent: the portal sends them an OTP; the firm enters what the taxpayer reads out. */
function ItrConsent({ pan, open, onChanged }: { pan: string; open: boolean; onChanged: () => void }) {
  const [otp, setOtp] = useState('');
  const [dob, setDob] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);

  async function call(body: Record<string, string>, done: string, after?: () => void) {
    setBusy(true);
    setNote(null);
    try {
      await api('POST', `/credentials/itr/${pan}/consent`, { body });
      setNote({ ok: true, text: done });
      after?.();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  const body = (
    <div className="access-forms">
      <button
        type="button"
        disabled={busy}
        onClick={() =>
          void call({}, 'The e-filing portal sent the taxpayer an OTP. Ask them for it and enter it below.')
        }
      >
        Send the taxpayer an e-filing OTP
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void call(
            { otp: otp.trim(), ...(dob ? { dob } : {}) },
            `The consent of ${pan} is recorded.`,
            () => (setOtp(''), onChanged()),
          );
        }}
        aria-label={`Enter the consent OTP for ${pan}`}
      >
        <label htmlFor={`co-${pan}`}>Taxpayer&apos;s OTP for {pan}</label>
        <div className="field-row">
          <input
            id={`co-${pan}`}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required
            value={otp}
            onChange={(e) => setOtp(e.target.value)}
          />
          <button type="submit" className="primary" disabled={busy || !/^\d{6}$/.test(otp.trim())}>
            Record consent
          </button>
        </div>
        <label htmlFor={`dob-${pan}`} className="muted">
          Date of birth or incorporation (only if the portal asks)
        </label>
        <input id={`dob-${pan}`} type="date" value={dob} onChange={(e) => setDob(e.target.value)} />
      </form>
      {note && (
        <p className={note.ok ? 'note-ok' : 'error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
    </div>
  );
  if (open) return body;
  return (
    <details className="renew">
      <summary>Renew the consent with a new OTP</summary>
      {body}
    </details>
  );
}

/** Saves one firm account's secret through `PUT /v1/credentials/<portal>`; the field values never leave the form. */
function useAccountSave(portal: 'itr' | 'esign', onChanged: () => void) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  async function save(body: Record<string, string>, done: string, reset: () => void) {
    setBusy(true);
    setNote(null);
    try {
      const status = await api<AccessStatus>('PUT', `/credentials/${portal}`, { body });
      reset();
      setNote(
        status.status === 'ok'
          ? { ok: true, text: done }
          : {
              ok: false,
              text: staffReason(status.detail) || 'The portal did not accept it; check and retry.',
            },
      );
      onChanged();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }
  return { busy, note, save };
}

function Renewable({ open, summary, children }: { open: boolean; summary: string; children: ReactNode }) {
  if (open) return <>{children}</>;
  return (
    <details className="renew">
      <summary>{summary}</summary>
      {children}
    </details>
  );
}

/** The firm's e-filing intermediary (ERI) login: client id and secret, user id and password. */
function ItrAccount({ open, onChanged }: { open: boolean; onChanged: () => void }) {
  const empty = { clientId: '', clientSecret: '', userId: '', password: '' };
  const [v, setV] = useState(empty);
  const { busy, note, save } = useAccountSave('itr', onChanged);
  const field = (key: keyof typeof empty, label: string, secret = false) => (
    <>
      <label htmlFor={`eri-${key}`}>{label}</label>
      <input
        id={`eri-${key}`}
        type={secret ? 'password' : 'text'}
        autoComplete="off"
        required
        value={v[key]}
        onChange={(e) => setV({ ...v, [key]: e.target.value })}
      />
    </>
  );
  return (
    <>
      <AccountNote note={note} />
      <Renewable open={open} summary="Enter the e-filing (ERI) login again">
        <form
          className="access-forms"
          aria-label="The firm's e-filing (ERI) login"
          onSubmit={(e) => {
            e.preventDefault();
            void save(
              { ...v, clientId: v.clientId.trim(), userId: v.userId.trim() },
              'The e-filing account is stored and the portal accepted it.',
              () => setV(empty),
            );
          }}
        >
          {field('clientId', 'ERI client id')}
          {field('clientSecret', 'ERI client secret', true)}
          {field('userId', 'E-filing user id of the intermediary')}
          {field('password', 'E-filing password', true)}
          <p className="muted small">Stored encrypted by the Income Tax connector; never shown again.</p>
          <div>
            <button
              type="submit"
              className="primary"
              disabled={busy || Object.values(v).some((x) => !x.trim())}
            >
              Save the e-filing login
            </button>
          </div>
        </form>
      </Renewable>
    </>
  );
}

/** The firm's e-sign portal API key. */
function EsignAccount({ open, onChanged }: { open: boolean; onChanged: () => void }) {
  const [key, setKey] = useState('');
  const { busy, note, save } = useAccountSave('esign', onChanged);
  return (
    <>
      <AccountNote note={note} />
      <Renewable open={open} summary="Enter the e-sign API key again">
        <form
          className="access-forms"
          aria-label="The firm's e-sign API key"
          onSubmit={(e) => {
            e.preventDefault();
            void save({ apiKey: key.trim() }, 'The e-sign key is stored and the portal accepted it.', () =>
              setKey(''),
            );
          }}
        >
          <label htmlFor="esign-key">E-sign portal API key</label>
          <div className="field-row">
            <input
              id="esign-key"
              type="password"
              autoComplete="off"
              required
              minLength={8}
              aria-describedby="esign-key-help"
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
            <button type="submit" className="primary" disabled={busy || key.trim().length < 8}>
              Save the key
            </button>
          </div>
          <p id="esign-key-help" className="muted small">
            At least 8 characters, from the e-sign portal&apos;s settings. Stored encrypted; never shown
            again.
          </p>
        </form>
      </Renewable>
    </>
  );
}

/** Outside the form: it stays in sight when the saved account turns valid and its form folds away. */
function AccountNote({ note }: { note: { ok: boolean; text: string } | null }) {
  if (!note) return null;
  return (
    <p className={note.ok ? 'note-ok' : 'error'} role={note.ok ? 'status' : 'alert'}>
      {note.text}
    </p>
  );
}
