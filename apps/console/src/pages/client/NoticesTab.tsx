import { useState } from 'react';

import type { Client, Notice } from '../../api';
import { dueState, formatDate, localToday } from '../../due';
import { PORTAL_NAMES } from '../../fixes';
import { Pager, usePaged } from './paging';

const STATUS_LABELS: Record<Notice['status'], string> = {
  open: 'Open: reply awaited',
  replied: 'Replied',
  closed: 'Closed',
};

/** The client's notices, soonest due first; overdue and due within 7 days stand out, in words and colour. */
export function NoticesTab({ client }: { client: Client }) {
  const [status, setStatus] = useState<'' | Notice['status']>('');
  const pager = usePaged<Notice>('/notices', { clientId: client.id, status: status || undefined });
  const today = localToday();

  return (
    <section aria-labelledby="notices-heading" className="panel">
      <h2 id="notices-heading">Notices</h2>
      <div className="inline-field">
        <label htmlFor="n-status">Show</label>
        <select id="n-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="">notices not closed</option>
          <option value="open">open notices only</option>
          <option value="replied">replied notices</option>
          <option value="closed">closed notices</option>
        </select>
      </div>
      <p className="muted">
        Open notices that are overdue or due within 7 days are marked. Due dates are those the portal gives
        (today: {formatDate(today)}).
      </p>
      {pager.error && (
        <p className="error" role="alert">
          {pager.error}
        </p>
      )}
      <div className="table-wrap">
        <table aria-label="Notices" aria-busy={pager.page === null}>
          <thead>
            <tr>
              <th scope="col">Reply due</th>
              <th scope="col">Notice</th>
              <th scope="col">Reference</th>
              <th scope="col">Status</th>
              <th scope="col">Issued</th>
            </tr>
          </thead>
          <tbody>
            {pager.page?.items.map((n) => {
              const due = n.status === 'open' ? dueState(n.dueDate, today) : null;
              return (
                <tr key={n.id} className={due ? `due-${due.kind}` : ''} data-testid="notice-row">
                  <td>
                    <div className="due-date">{formatDate(n.dueDate)}</div>
                    {due && due.kind !== 'none' && (
                      <div className={`due-badge ${due.kind}`} data-testid="due-label">
                        {due.kind === 'overdue' ? '⚠ ' : due.kind === 'soon' ? '⏰ ' : ''}
                        {due.label}
                      </div>
                    )}
                  </td>
                  <td>
                    <strong>{n.section ?? 'Notice'}</strong>
                    {n.description ? ` · ${n.description}` : ''}
                  </td>
                  <td className="mono wrap">
                    {n.noticeId}
                    <div className="muted small">
                      {PORTAL_NAMES[n.source.portal] ?? n.source.portal} · {n.source.subject.value}
                    </div>
                  </td>
                  <td>{STATUS_LABELS[n.status]}</td>
                  <td>{formatDate(n.issuedOn)}</td>
                </tr>
              );
            })}
            {pager.page && pager.page.items.length === 0 && (
              <tr>
                <td colSpan={5}>No notices{status ? ` with this status` : ' waiting on this client'}.</td>
              </tr>
            )}
            {pager.page === null && !pager.error && (
              <tr>
                <td colSpan={5}>Loading notices…</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager label="Notice pages" pager={pager} />
    </section>
  );
}
