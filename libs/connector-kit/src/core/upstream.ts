import type { ConnectorFamily } from './connector-family';

/**
 * What a connector calls, as the messages staff read name it (job results, the run log, the console). The one
 * place that decides it: the kit gives each connector's PortalHttpClient the upstream of its family.
 */
export interface Upstream {
  /** Lower case, as in "the GST portal"; a message capitalises it where a sentence starts. */
  name: string;
  /**
   * Messages say the host it was called at: each company has its own books server, and its address (the one
   * the firm entered) tells staff which one failed. A portal is one portal, so its host says nothing more.
   */
  namesHost: boolean;
  /** What staff do when it cannot be reached (refused, reset, no route) or is too slow. */
  whenUnreachable: string;
  /** What staff do when its name does not resolve (DNS). */
  whenNotFound: string;
  /** What staff do when it refuses access (HTTP 401/403). */
  whenRefused: string;
}

const PORTAL_ADVICE = {
  namesHost: false,
  whenUnreachable: 'The job is tried again a few times; if it still fails, retry the failed jobs later.',
  whenNotFound: 'Retry the failed jobs later, and report it if this persists.',
  whenRefused:
    "Check the portal credentials and consent (the client's Access tab, or Firm accounts for the firm's own logins), then retry.",
};

/** Each connector family's upstream; the portal names are the ones the connectors' own messages use. */
export const UPSTREAMS: Readonly<Record<ConnectorFamily, Upstream>> = {
  gst: { name: 'the GST portal', ...PORTAL_ADVICE },
  itr: { name: 'the e-filing portal', ...PORTAL_ADVICE },
  esign: { name: 'the e-sign portal', ...PORTAL_ADVICE },
  books: {
    name: 'the books server',
    namesHost: true,
    whenUnreachable: 'Check that Tally is running there and reachable from practice-sync, then retry.',
    whenNotFound: "Check the company's books address, then retry.",
    whenRefused:
      'Check that the books server (or the proxy in front of it) lets practice-sync in, then retry.',
  },
};

/** A PortalHttpClient built without a family (unit tests of the kit). */
export const ANY_PORTAL: Upstream = { name: 'the portal', ...PORTAL_ADVICE };

export function upstreamOf(family: ConnectorFamily): Upstream {
  return UPSTREAMS[family];
}

/** The upstream of a family given by name (the breaker's and the outage's `portalName`). */
export function upstreamNamed(name: string): Upstream {
  return (
    (UPSTREAMS as Partial<Record<string, Upstream>>)[name] ?? { ...ANY_PORTAL, name: `the ${name} portal` }
  );
}

/** "the books server at tally.branch.lan:9000", "the GST portal": never a path, query or credentials. */
export function upstreamLabel(upstream: Upstream, url?: string): string {
  const host = upstream.namesHost && url ? hostOf(url) : undefined;
  return host ? `${upstream.name} at ${host}` : upstream.name;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

/** "the GST portal …" → "The GST portal …". */
export function sentence(text: string): string {
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : text;
}
