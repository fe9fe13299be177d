import { upstreamLabel, upstreamOf } from '@practice-sync/connector-kit';
import type { BooksJobRequested } from '@practice-sync/contracts';

/**
 * A company of the job's link as staff know it: its side of the link and its books server's address (the one
 * the firm entered), never its internal id.
 */
export function companyLabel(job: Pick<BooksJobRequested, 'client' | 'server'>, companyId: string): string {
  const side =
    companyId === job.client.companyId ? job.client : companyId === job.server.companyId ? job.server : null;
  if (!side) return 'a company of the link';
  const role = side === job.client ? 'the client company' : 'the server company';
  return `${role} (${upstreamLabel(upstreamOf('books'), side.booksUrl)})`;
}

export const companiesLabel = (
  job: Pick<BooksJobRequested, 'client' | 'server'>,
  ids: readonly string[],
): string => ids.map((id) => companyLabel(job, id)).join(' and ');
