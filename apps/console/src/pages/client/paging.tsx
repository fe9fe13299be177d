import { useEffect, useRef, useState } from 'react';

import type { Page } from '../../api';
import { api, errorText } from '../../api';

type Query = Record<string, string | number | undefined>;

/** One page at a time of a `/v1` list (server-side paging by cursor), with Previous and Next. */
export function usePaged<T>(path: string, query: Query, limit = 25) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const key = JSON.stringify(query);
  const cursor = cursors[cursors.length - 1];
  const shown = useRef('');

  // A new query starts again at the first page.
  useEffect(() => setCursors([undefined]), [path, key]);

  useEffect(() => {
    let live = true;
    // A reload keeps the page on screen (and the forms in it) until the new one arrives.
    const what = `${path}|${key}|${cursor ?? ''}`;
    if (shown.current !== what) setPage(null);
    shown.current = what;
    api<Page<T>>('GET', path, { query: { ...(JSON.parse(key) as Query), limit, cursor } }).then(
      (p) => live && (setPage(p), setError(null)),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [path, key, cursor, limit, reloads]);

  return {
    page,
    error,
    number: cursors.length,
    previous: cursors.length > 1 ? () => setCursors(cursors.slice(0, -1)) : null,
    next: page?.nextCursor ? () => setCursors([...cursors, page.nextCursor ?? undefined]) : null,
    reload: () => setReloads((n) => n + 1),
  };
}

export function Pager({ label, pager }: { label: string; pager: ReturnType<typeof usePaged> }) {
  if (!pager.previous && !pager.next) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={!pager.previous} onClick={() => pager.previous?.()}>
        Previous page
      </button>
      <span>Page {pager.number}</span>
      <button type="button" disabled={!pager.next} onClick={() => pager.next?.()}>
        Next page
      </button>
    </nav>
  );
}
