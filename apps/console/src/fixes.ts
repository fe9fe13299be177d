/**
 * Staff wording for failures. The API's messages name the API call that fixes them (`PUT /v1/credentials/…`),
 * which is right for a developer and useless to a person at a firm: the console says what happened without the
 * call, and how to fix it with the console's own screens.
 */

export type Portal = 'gst' | 'itr' | 'esign' | 'books' | string;

/** Where on the client's page the fix is made. */
export type FixPlace = 'access' | 'admin' | 'retry' | 'report';

export interface Fix {
  text: string;
  place: FixPlace;
}

/** A books server (Tally) failing, said once for the run log and the branch links (each adds its own action). */
const BOOKS_UNREACHABLE = 'Check that Tally is running at that company and reachable at its books address';
const BOOKS_NOT_XML = "Check that the books address points at Tally's XML port (usually 9000)";

const API_CALL = /\b(?:PUT|POST|GET|PATCH|DELETE) \/v1\//;

/**
 * An API message without its API instructions, as a sentence: `no GST portal access is stored for X: PUT …`
 * → `No GST portal access is stored for X.` A parenthesised call is dropped; otherwise the message ends at the
 * last `:` or `;` before the first call. GST periods in it read MM/YYYY.
 */
export function staffReason(message: string | null | undefined): string {
  if (!message) return '';
  let text = message.replace(/\s*\((?:PUT|POST|GET|PATCH|DELETE) \/v1\/[^)]*\)/g, '');
  const call = API_CALL.exec(text);
  if (call) {
    const before = text.slice(0, call.index);
    const cut = Math.max(before.lastIndexOf(': '), before.lastIndexOf('; '));
    text = cut > 0 ? before.slice(0, cut) : before.replace(/\s*(?:,|and|then)?\s*$/, '');
  }
  // GST periods as staff write them: `102026` → `10/2026`.
  text = text.replace(/\b(0[1-9]|1[0-2])(20\d{2})\b/g, '$1/$2');
  text = text.trim().replace(/[\s,:;]+$/, '');
  if (!text) return '';
  return `${text[0].toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/**
 * The connector's own advice at the end of its message (the connector kit's per-upstream advice: "Check that Tally
 * is running there …, then retry.", "The job is tried again a few times; …"). Where the console shows its own
 * fix for the failure code, the message is shown without it, so staff do not read the same advice twice in two
 * wordings. Only whole trailing sentences that start as the kit's advice does are dropped.
 */
const CONNECTOR_ADVICE =
  /(?<=[.!?])\s+(?:Check |The job is tried again |Retry the failed jobs later)[\s\S]*$/;

export function withoutConnectorAdvice(message: string): string {
  return message.replace(CONNECTOR_ADVICE, '');
}

/** The portal a category belongs to (`gst.gstr2b` → `gst`). */
export function portalOf(category: string): Portal {
  return category.split('.')[0] ?? category;
}

/** What a person does about a failure code, for the portal it happened on, in the console's words. */
export function howToFix(errorCode: string | null | undefined, portal: Portal): Fix | null {
  if (!errorCode) return null;
  switch (errorCode) {
    case 'credentials_missing':
      if (portal === 'gst')
        return {
          text: "Enter the client's GST portal username on the client's Access tab, then the OTP the portal sends to the taxpayer. Then retry.",
          place: 'access',
        };
      if (portal === 'itr')
        return {
          text: "The firm's e-filing (ERI) account must be stored by an admin; then ask the taxpayer for the e-filing OTP and enter it on the client's Access tab. Then retry.",
          place: 'admin',
        };
      if (portal === 'esign')
        return {
          text: "The firm's e-sign account (its API key) must be stored by an admin. Then retry.",
          place: 'admin',
        };
      return { text: 'Access for this portal is not stored yet; ask an admin. Then retry.', place: 'admin' };
    case 'consent_required':
      return {
        text: "On the client's Access tab, have the portal send the taxpayer an e-filing OTP, ask the taxpayer for it and enter it. Then retry.",
        place: 'access',
      };
    case 'otp_required':
      return portal === 'itr'
        ? {
            text: "The taxpayer's consent has lapsed: on the client's Access tab, send a new e-filing OTP and enter the one the taxpayer gives you. Then retry.",
            place: 'access',
          }
        : {
            text: "The GST portal session has lapsed: on the client's Access tab, send a new OTP and enter it. Then retry.",
            place: 'access',
          };
    case 'auth_failed':
      return {
        text: "The portal refused the stored login: check the client's portal username on the client's Access tab and enter it again. Then retry.",
        place: 'access',
      };
    case 'not_generated_yet':
      return {
        text: 'The portal has not generated this yet (GSTR-2B: on the 14th of the next month). Retry after that, or pick an earlier period.',
        place: 'retry',
      };
    case 'portal_unavailable':
      // A books job's upstream is the company's books server (Tally), not a portal; its message says which.
      if (portal === 'books') return { text: `${BOOKS_UNREACHABLE}, then retry failed.`, place: 'retry' };
      return { text: 'The portal was down. Retry failed in a while.', place: 'retry' };
    case 'rate_limited':
      return { text: 'The portal asked us to slow down. Retry failed in a few minutes.', place: 'retry' };
    case 'invalid_response':
      if (portal === 'books') return { text: `${BOOKS_NOT_XML}, then retry failed.`, place: 'retry' };
      return {
        text: 'The portal answered something unexpected. Retry; if it happens again, report it with the run id.',
        place: 'report',
      };
    case 'timeout':
      if (portal === 'books')
        return {
          text: `The books server did not answer in time. ${BOOKS_UNREACHABLE}, then retry failed.`,
          place: 'retry',
        };
      return { text: 'The portal did not answer in time. Retry failed.', place: 'retry' };
    case 'books_not_empty':
      return {
        text: "The branch's books already hold objects, so the snapshot imported nothing. Snapshot into an empty company, or start it again with replace (objects with the head office's GUIDs are altered; nothing is deleted).",
        place: 'retry',
      };
    case 'hold_expired':
      return {
        text: 'Changes waited longer than the hold for the branch to come back and were not applied. Take a new snapshot of the link.',
        place: 'retry',
      };
    case 'internal':
      return {
        text: 'Something went wrong on our side. Retry; if it happens again, report it with the run id.',
        place: 'report',
      };
    default:
      return { text: 'Retry failed; if it happens again, report it with the run id.', place: 'report' };
  }
}

export const OUTCOME_LABELS: Record<string, string> = {
  succeeded: 'Synced',
  no_change: 'No change',
  no_data: 'Nothing on the portal',
  partial: 'Partly synced',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

/** A symbol beside each outcome's word, so the state never rests on colour alone. */
export const OUTCOME_SYMBOLS: Record<string, string> = {
  succeeded: '✓',
  no_change: '✓',
  no_data: '○',
  partial: '◐',
  failed: '✗',
  skipped: '–',
  cancelled: '–',
};

export const ACCESS_LABELS: Record<string, string> = {
  ok: '✓ Working',
  expiring: '◐ Expiring soon',
  otp_required: '✗ OTP needed',
  failed: '✗ Refused by the portal',
  missing: '✗ Not set up',
};

export const PORTAL_NAMES: Record<string, string> = {
  gst: 'GST',
  itr: 'Income Tax',
  esign: 'e-sign',
  books: 'Books',
};

/** The firm-wide accounts' health, as the Accounts screen says it (word and symbol, never colour alone). */
export const ACCOUNT_LABELS: Record<string, string> = {
  ok: '✓ Valid',
  expiring: '◐ Session ending soon',
  otp_required: '✗ Session lapsed',
  failed: '✗ Failing: the portal refused it',
  missing: '✗ Not set up',
};

/** A user's standing, in staff words (`GET /v1/firms/{id}/users`). */
export const USER_STATUS_LABELS: Record<string, string> = {
  invited: 'Invited (no password yet)',
  active: 'Active',
  locked: 'Locked (too many wrong passwords)',
  disabled: 'Disabled',
};

export const ROLE_LABELS: Record<string, string> = {
  admin: 'Admin: everything, including users',
  operator: 'Operator: start syncs, manage clients and access',
  viewer: 'Viewer: read only',
};
/** A branch link's state, with a symbol so it never rests on colour alone. */
export const LINK_STATE_LABELS: Record<string, string> = {
  online: '✓ Online',
  offline: '◐ Offline — changes held',
  syncing: '↻ Syncing',
  failed: '✗ Failed',
};

export const COMPANY_ROLES: Record<string, string> = {
  head_office: 'Head office',
  branch: 'Branch',
};

/** What a person does about a branch link's failure code (books servers, not portals). */
export function howToFixLink(code: string | null | undefined): string | null {
  switch (code) {
    case 'portal_unavailable':
    case 'timeout':
      return `${BOOKS_UNREACHABLE}, then press Restart.`;
    case 'invalid_response':
      return `${BOOKS_NOT_XML}, then press Restart.`;
    case 'hold_expired':
    case 'books_not_empty':
      return howToFix(code, 'books')?.text ?? null;
    case null:
    case undefined:
      return null;
    default:
      return 'Press Restart; if it fails again, report it with the link.';
  }
}

export interface LinkProblem {
  /** `masters` or `transactions`, when the message names it. */
  kind: string | null;
  /** What happened, in one short sentence (`A books server did not answer.`). */
  text: string;
  /** The connector's own words after it, if any. */
  detail: string | null;
  /** Only "objects wait in the conflict queue": the live count of open conflicts says it better. */
  conflictsOnly: boolean;
  code: string | null;
  fix: string | null;
}

/** A failure code (`portal_unavailable`, `timeout`, …) rather than words in brackets (`(snapshot)`). */
function isFailureCode(word: string): boolean {
  return word.includes('_') || ['timeout', 'internal'].includes(word);
}

const LINK_CLASS_NAMES: Record<string, string> = { masters: 'Masters', transactions: 'Transactions' };

/**
 * A link's `error` in staff words, one entry per class: `transactions: a books server did not answer
 * (portal_unavailable): …` → `{ kind: 'Transactions', text: 'A books server did not answer: …', fix }`.
 */
export function linkProblems(error: string | null | undefined): LinkProblem[] {
  if (!error) return [];
  return error
    .split(/;\s+(?=(?:masters|transactions): )/)
    .map((part) => {
      const m = /^(masters|transactions): ([\s\S]*)$/.exec(part.trim());
      const rest = m ? m[2] : part;
      const code = [...rest.matchAll(/\(([a-z_]+)\)/g)].map((c) => c[1]).find(isFailureCode) ?? null;
      const whole = code ? rest.replace(` (${code})`, '') : rest;
      // A failure reads `lead: the connector's message`; the lead is ours, the message the connector's.
      const cut = code ? whole.indexOf(': ') : -1;
      const text = staffReason(cut > 0 ? whole.slice(0, cut) : whole);
      const fix = howToFixLink(code);
      const said = cut > 0 ? whole.slice(cut + 2) : '';
      const detail = staffReason(fix ? withoutConnectorAdvice(said) : said) || null;
      return {
        kind: m ? (LINK_CLASS_NAMES[m[1]] ?? m[1]) : null,
        text,
        detail,
        code,
        fix,
        conflictsOnly: /conflict queue/.test(whole) && !/refused/.test(whole),
      };
    })
    .filter((p) => p.text);
}

/** Why the API refused a Restart (409/422 problem types), in staff words. */
export function restartRefusal(problem: { type?: string; detail?: string } | null, status: number): string {
  const code = problem?.type?.split('/').pop() ?? '';
  switch (code) {
    case 'link-syncing':
      return 'A sync of this link is still going. Wait for it to finish (or cancel it on its run page), then restart the link if it failed.';
    case 'link-not-failed':
      return 'Nothing has failed on this link, so there is nothing to restart. Use Sync now to sync it.';
    case 'no-active-rule':
      return "No rule of this link is active yet, so a sync would move nothing. An admin must activate the link's rules first.";
    default:
      return staffReason(problem?.detail) || `The server refused the restart (${status}).`;
  }
}
