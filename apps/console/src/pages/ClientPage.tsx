import { useEffect, useRef, useState } from 'react';

import type { Category, Client, Me } from '../api';
import { useCatalogue } from '../catalogue';
import { api, errorText } from '../api';
import { PORTAL_NAMES } from '../fixes';
import { AccessTab } from './client/AccessTab';
import { ChangesTab } from './client/ChangesTab';
import { NoticesTab } from './client/NoticesTab';
import { RecordsTab } from './client/RecordsTab';
import { StatusGrid } from './client/StatusGrid';

export const CLIENT_TABS = [
  { id: 'status', label: 'Status' },
  { id: 'records', label: 'Records' },
  { id: 'changes', label: 'Changes' },
  { id: 'notices', label: 'Notices' },
  { id: 'access', label: 'Access' },
] as const;
export type ClientTab = (typeof CLIENT_TABS)[number]['id'];

/** The subject kind each portal's jobs run per. */
export function identifiersOf(client: Client, kind: string): string[] {
  if (kind === 'gstin') return client.gstins;
  if (kind === 'pan') return client.pan ? [client.pan] : [];
  if (kind === 'esignClientFileId') return client.esignClientFileId ? [client.esignClientFileId] : [];
  return [];
}

/** The categories that apply to this client (it has an identifier of their subject kind). */
export function categoriesOf(client: Client, catalogue: Category[]): Category[] {
  return catalogue.filter((c) => identifiersOf(client, c.subject).length > 0);
}

/** One client: its status grid, records, change feed, notices and portal access, each a tab (its own URL). */
export function ClientPage({ clientId, tab, me }: { clientId: string; tab: ClientTab; me: Me }) {
  const [client, setClient] = useState<Client | null>(null);
  const catalogue = useCatalogue();
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    api<Client>('GET', `/clients/${clientId}`).then(setClient, (e: unknown) => setError(errorText(e)));
  }, [clientId]);

  // A new page for a screen reader: focus its heading once it is there.
  useEffect(() => heading.current?.focus(), [client]);

  if (!client)
    return error ? <p className="error">{error}</p> : <p className="loading">Loading the client…</p>;
  const categories = categoriesOf(client, catalogue);

  return (
    <>
      <p className="crumbs">
        <a href="#/">Sync Bucket</a> › {client.name}
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {client.name}
      </h1>
      <dl className="client-facts">
        <div>
          <dt>PAN</dt>
          <dd className="mono">{client.pan ?? '—'}</dd>
        </div>
        <div>
          <dt>GSTINs</dt>
          <dd className="mono">{client.gstins.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>e-sign client file</dt>
          <dd className="mono">{client.esignClientFileId ?? '—'}</dd>
        </div>
        <div>
          <dt>Office</dt>
          <dd>{client.office ?? '—'}</dd>
        </div>
        {client.tags.length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd>
              {client.tags.map((t) => (
                <span className="tag" key={t}>
                  {t}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
      <nav className="tabs" aria-label={`${client.name}: sections`}>
        {CLIENT_TABS.map((t) => (
          <a
            key={t.id}
            href={`#/clients/${clientId}/${t.id}`}
            aria-current={t.id === tab ? 'page' : undefined}
          >
            {t.label}
          </a>
        ))}
      </nav>
      {tab === 'status' && <StatusGrid client={client} categories={categories} />}
      {tab === 'records' && <RecordsTab client={client} categories={categories} />}
      {tab === 'changes' && <ChangesTab client={client} categories={catalogue} />}
      {tab === 'notices' && <NoticesTab client={client} />}
      {tab === 'access' && <AccessTab client={client} me={me} />}
    </>
  );
}

export function portalName(portal: string): string {
  return PORTAL_NAMES[portal] ?? portal;
}
