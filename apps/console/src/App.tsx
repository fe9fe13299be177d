import { useCallback, useEffect, useState } from 'react';

import type { Me } from './api';
import { api, ApiError, whenSignedOut } from './api';
import type { ClientTab } from './pages/ClientPage';
import { CLIENT_TABS, ClientPage } from './pages/ClientPage';
import { AcceptInvitation } from './pages/admin/AcceptInvitation';
import { Accounts } from './pages/admin/Accounts';
import { Users } from './pages/admin/Users';
import { Branches } from './pages/Branches';
import { RunView } from './pages/RunView';
import { Schedules } from './pages/Schedules';
import { SignIn } from './pages/SignIn';
import { SyncBucket } from './pages/SyncBucket';

type Route =
  | { page: 'bucket' }
  | { page: 'run'; id: string }
  | { page: 'client'; id: string; tab: ClientTab }
  | { page: 'schedules' }
  | { page: 'branches' }
  | AdminRoute;

/** The Users and Accounts screens, and the page an invitation link opens (its token in the hash, never sent). */
type AdminRoute = { page: 'users' } | { page: 'accounts' } | { page: 'invitation'; token: string };

function adminRouteOf(hash: string): AdminRoute | null {
  if (hash === '#/users') return { page: 'users' };
  if (hash === '#/accounts') return { page: 'accounts' };
  const invitation = /^#\/invitation\/([A-Za-z0-9_%-]{20,300})$/.exec(hash);
  return invitation ? { page: 'invitation', token: decodeURIComponent(invitation[1]) } : null;
}

/** Hash routes (`#/runs/<id>`, `#/clients/<id>/<tab>`): the gateway serves only files, so any route survives a reload. */
function routeOf(hash: string): Route {
  const admin = adminRouteOf(hash);
  if (admin) return admin;
  const run = /^#\/runs\/([0-9a-f-]{36})$/i.exec(hash);
  if (run) return { page: 'run', id: run[1] };
  const client = /^#\/clients\/([0-9a-f-]{36})(?:\/([a-z]+))?$/i.exec(hash);
  if (client) {
    const tab = CLIENT_TABS.find((t) => t.id === client[2])?.id ?? 'status';
    return { page: 'client', id: client[1], tab };
  }
  if (hash === '#/schedules') return { page: 'schedules' };
  if (hash === '#/branches') return { page: 'branches' };
  return { page: 'bucket' };
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [route, setRoute] = useState<Route>(() => routeOf(window.location.hash));

  useEffect(() => {
    const onHash = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    whenSignedOut(() => setMe(null));
    api<Me>('GET', '/me').then(setMe, (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else setMe(null);
    });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('DELETE', '/sessions/current');
    } finally {
      setMe(null);
    }
  }, []);

  if (route.page === 'invitation')
    return <AcceptInvitation token={route.token} onDone={() => navigate('#/')} />;
  if (me === undefined) return <p className="loading">Loading…</p>;
  if (me === null) return <SignIn onSignedIn={setMe} />;

  return (
    <>
      <header className="top">
        <a className="brand" href="#/">
          practice-sync
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.page === 'bucket' ? 'page' : undefined}>
            Sync Bucket
          </a>
          <a href="#/schedules" aria-current={route.page === 'schedules' ? 'page' : undefined}>
            Schedules
          </a>
          <a href="#/branches" aria-current={route.page === 'branches' ? 'page' : undefined}>
            Branches
          </a>
          <a href="#/accounts" aria-current={route.page === 'accounts' ? 'page' : undefined}>
            Firm accounts
          </a>
          {me.role === 'admin' && (
            <a href="#/users" aria-current={route.page === 'users' ? 'page' : undefined}>
              Users
            </a>
          )}
        </nav>
        <div className="who">
          <span>
            {me.email ?? 'API key'} · <strong>{me.role}</strong> · {me.firmName}
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        {route.page === 'bucket' && <SyncBucket me={me} />}
        {route.page === 'run' && <RunView key={route.id} runId={route.id} me={me} />}
        {route.page === 'client' && <ClientPage key={route.id} clientId={route.id} tab={route.tab} me={me} />}
        {route.page === 'accounts' && <Accounts me={me} />}
        {route.page === 'users' && <Users me={me} />}
        {route.page === 'schedules' && <Schedules me={me} />}
        {route.page === 'branches' && <Branches me={me} />}
      </main>
    </>
  );
}
