import './admin.css';

import type { FormEvent } from 'react';
import { useState } from 'react';

import { api, errorText } from '../../api';

/** The API's rule (NIST SP 800-63B: length, not composition): 12 to 256 characters. */
const MIN = 12;
const MAX = 256;

/**
 * An invited person sets their password with the token from the link an admin passed on
 * (`#/invitation/<token>`), then signs in.
 */
export function AcceptInvitation({ token, onDone }: { token: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const longEnough = password.length >= MIN && password.length <= MAX;
  const same = password.length > 0 && password === again;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api<{ email: string }>('POST', '/invitations/accept', { body: { token, password } });
      setDone(user.email);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <main className="sign-in">
        <h1>Your password is set</h1>
        <p role="status">
          You can now sign in as <strong>{done}</strong>.
        </p>
        <button type="button" className="primary" onClick={onDone}>
          Go to sign in
        </button>
      </main>
    );
  }

  return (
    <main className="sign-in">
      <h1>Set your password</h1>
      <p>An admin of your firm invited you to practice-sync. Choose a password to finish.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN}
          maxLength={MAX}
          aria-describedby="password-rules"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ul id="password-rules" className="password-rules small">
          <li className={longEnough ? 'met' : undefined}>
            {longEnough ? '✓' : '•'} {MIN} to {MAX} characters ({password.length} so far). A passphrase of a
            few words is good; no other rules.
          </li>
          <li>Not one you use elsewhere.</li>
        </ul>
        <label htmlFor="new-password-again">The same password again</label>
        <input
          id="new-password-again"
          type="password"
          autoComplete="new-password"
          required
          aria-describedby={again && !same ? 'password-mismatch' : undefined}
          value={again}
          onChange={(e) => setAgain(e.target.value)}
        />
        {again && !same && (
          <p id="password-mismatch" className="error">
            The two passwords differ.
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !longEnough || !same}>
          {busy ? 'Setting…' : 'Set password'}
        </button>
      </form>
    </main>
  );
}
