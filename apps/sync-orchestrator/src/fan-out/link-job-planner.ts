import type {
  BooksCategory,
  BooksClass,
  BooksRule,
  LinkMode,
  LinkState,
  RuleStatus,
} from '@practice-sync/contracts';
import { booksClassOf, isSnapshotCategory } from '@practice-sync/contracts';

import type { BooksSnapshotOptions } from '../runs/job-kind';
import type { PlannedJob } from '../runs/planned-job';

/** A branch link as client-master's selection gives it to a run: both books servers and its rules. */
export interface SelectedLink {
  id: string;
  /** `on_demand`: connector-books holds the changes while the receiver is unreachable. */
  mode?: LinkMode;
  /** The link's state as client-master derives it from its jobs (what a restart looks at). */
  state?: LinkState;
  clientCompany: { id: string; booksUrl: string };
  serverCompany: { id: string; booksUrl: string };
  /** Only the rules the server side activated: the only ones that may move anything. */
  rules: BooksRule[];
  /** Proposed or rejected rules (with the server side's reason), so a skipped class can say why. */
  inactiveRules: { id: string; class: BooksClass; status: RuleStatus; reason: string | null }[];
}

/**
 * Why a link moves nothing of a class: every rule of that class is proposed or rejected, or there is none.
 * The run log shows this as the skipped job's message, so a rejected rule visibly moved nothing.
 */
export function noActiveRuleReason(link: SelectedLink, cls: BooksClass): string {
  const inactive = link.inactiveRules.filter((r) => r.class === cls);
  if (inactive.length === 0) {
    return `no active rule for ${cls}: this link moves no ${cls}; add a ${cls} rule and have the server company activate it`;
  }
  const why = inactive.map((r) =>
    r.status === 'rejected'
      ? `rule ${r.id} rejected: ${r.reason ?? 'no reason given'}`
      : `rule ${r.id} is proposed and not yet activated by the server company`,
  );
  return `${why.join('; ')}; no active rule for ${cls}, so nothing moved`;
}

/** The rules a snapshot (server → client, both classes) goes by: the active ones that receive. */
export function snapshotRules(link: SelectedLink): BooksRule[] {
  return link.rules.filter((r) => r.direction === 'receive' || r.direction === 'both');
}

/** Why a link cannot be snapshotted: no active rule moves anything from its server company to its client. */
export function noSnapshotRuleReason(link: SelectedLink): string {
  const inactive = link.inactiveRules.length
    ? ` (${link.inactiveRules.map((r) => `rule ${r.id} is ${r.status}`).join('; ')})`
    : '';
  return (
    `no active rule of link ${link.id} moves books from its server company to its client company${inactive}: ` +
    "a snapshot copies the server company's books by the rules with direction receive or both; add one and " +
    'have the server company activate it'
  );
}

/**
 * One job per link and books category. A link with no active rule for the category's class gets a skipped
 * job saying which rule was rejected (and why) or that none is active; the others carry what dispatch sends:
 * both books servers and the class's active rules, as client-master gave them at fan-out.
 */
export function planLinkJobs(
  links: readonly SelectedLink[],
  categories: readonly BooksCategory[],
  newId: () => string,
  snapshot: BooksSnapshotOptions | null = null,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (const link of links) {
    for (const category of categories) {
      const cls = booksClassOf(category);
      const whole = isSnapshotCategory(category);
      const rules = whole ? snapshotRules(link) : link.rules.filter((r) => r.class === cls);
      jobs.push({
        id: newId(),
        clientId: null,
        clientName: null,
        linkId: link.id,
        books: {
          client: { companyId: link.clientCompany.id, booksUrl: link.clientCompany.booksUrl },
          server: { companyId: link.serverCompany.id, booksUrl: link.serverCompany.booksUrl },
          rules,
          mode: link.mode ?? 'online',
          ...(whole ? { snapshot: snapshot ?? { replace: false } } : {}),
        },
        category,
        portal: 'books',
        subject: { kind: 'link', value: link.id },
        period: null,
        skipReason:
          rules.length > 0 ? null : whole ? noSnapshotRuleReason(link) : noActiveRuleReason(link, cls),
      });
    }
  }
  return jobs;
}
