import type { AccessStatus, Me } from '../../api';
import { mayWrite } from '../../api';
import { ACCOUNT_LABELS } from '../../fixes';
import { AccessItem } from '../client/AccessTab';
import { usePaged } from '../client/paging';

/**
 * The firm-wide accounts, not per client: the e-filing intermediary (ERI) account every PAN's sync goes through
 * and the e-sign account every client file's does (`GET /v1/credentials?scope=accounts`), with their health and
 * when last checked; where one lapsed or fails, an operator re-enters it here (the client Access tab's items).
 */
export function Accounts({ me }: { me: Me }) {
  const pager = usePaged<AccessStatus>('/credentials', { scope: 'accounts' }, 10);
  const canWrite = mayWrite(me.role);
  return (
    <section aria-labelledby="accounts-heading" className="panel">
      <h1 id="accounts-heading">Firm accounts</h1>
      <p className="muted">
        The firm&apos;s own portal accounts, used for every client: the Income Tax e-filing intermediary (ERI)
        login and the e-sign account. Per-client access (GST sessions, taxpayers&apos; consent) is on each
        client&apos;s Access tab.
        {!canWrite && ` Your role (${me.role}) can see the accounts but not change them.`}
      </p>
      {pager.error && (
        <p className="error" role="alert">
          {pager.error}
        </p>
      )}
      {pager.page === null && !pager.error && <p className="muted">Loading accounts…</p>}
      <ul className="access" aria-label="Firm accounts">
        {pager.page?.items.map((a) => (
          <AccessItem
            key={a.portal}
            access={a}
            canWrite={canWrite}
            onChanged={pager.reload}
            accountForms
            labels={ACCOUNT_LABELS}
          />
        ))}
      </ul>
    </section>
  );
}
