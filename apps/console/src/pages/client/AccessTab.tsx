import type { FormEvent } from 'react';
import { useRef, useState } from 'react';

import type { AccessStatus, Client, Me } from '../../api';
import { api, errorText, formatInstant, mayWrite } from '../../api';
import { ACCESS_LABELS, howToFix, PORTAL_NAMES, staffReason } from '../../fixes';
import { Pager, usePaged } from './paging';

/** The identifier the firm-wide e-filing and e-sign accounts are listed under. */
const ACCOUNT = 'account';

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

function describe(a: AccessStatus): string {
  if (a.identifier === ACCOUNT)
    return a.portal === 'itr' ? "The firm's e-filing (ERI) account" : "The firm's e-sign account";
  if (a.portal === 'gst') return `GSTIN ${a.identifier}`;
  if (a.portal === 'itr') return `PAN ${a.identifier} (taxpayer's consent)`;
  return `Client file ${a.identifier}`;
}

function AccessItem({
  access: a,
  canWrite,
  onChanged,
}: {
  access: AccessStatus;
  canWrite: boolean;
  onChanged: () => void;
}) {
  const fix = howToFix(a.errorCode, a.portal);
  const firmAccount = a.identifier === ACCOUNT || (a.portal === 'esign' && a.status === 'missing');
  // A GSTIN's session and a PAN's consent are entered here; the firm's accounts (and a PAN's consent before
  // the firm's e-filing account exists) are an admin's.
  const forms =
    canWrite &&
    !firmAccount &&
    (a.portal === 'gst' || (a.portal === 'itr' && a.errorCode !== 'credentials_missing'));
  return (
    <li className={`access-item ${a.status}`} data-testid="access-item">
      <div className="access-head">
        <span className="portal">{PORTAL_NAMES[a.portal] ?? a.portal}</span>
        <span className="what">{describe(a)}</span>
        <span className={`health ${a.status}`}>{ACCESS_LABELS[a.status] ?? a.status}</span>
      </div>
      {a.detail && a.status !== 'ok' && <p className="reason">{staffReason(a.detail)}</p>}
      {a.status === 'ok' && (
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
      {!forms && a.status !== 'ok' && fix && <p className="fix">{fix.text}</p>}
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
