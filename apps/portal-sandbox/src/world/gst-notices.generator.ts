import { addDays, formatPeriod, gstDate } from './dates';
import { weeklyEvents } from './weekly-events';

const NOTICE_TYPES = [
  { noticeType: 'ASMT-10', description: 'Notice for intimating discrepancies in the return', replyDays: 30 },
  { noticeType: 'GSTR-3A', description: 'Notice to a return defaulter', replyDays: 15 },
  { noticeType: 'DRC-01A', description: 'Intimation of tax ascertained as being payable', replyDays: 30 },
  { noticeType: 'DRC-01', description: 'Summary of show cause notice', replyDays: 30 },
  { noticeType: 'REG-03', description: 'Notice seeking clarification on registration', replyDays: 7 },
  { noticeType: 'ADT-01', description: 'Notice for conducting audit', replyDays: 15 },
] as const;

export interface GstNotice {
  arn: string;
  dateOfIssue: string;
  noticeType: string;
  description: string;
  dueDateOfReply: string;
  taxPeriod: string;
  status: 'Open' | 'Replied' | 'Closed';
  documents: { docId: string; docName: string; sizeBytes: number }[];
}

/** Notices of the last two years, about one a year per GSTIN, oldest first; they appear as the clock moves. */
export function gstNotices(worldSeed: string, gstin: string, now: Date): GstNotice[] {
  const found = weeklyEvents(
    worldSeed,
    'gst-notice',
    gstin,
    now,
    { chance: 0.02, lookbackWeeks: 104 },
    (rng, at) => {
      const type = rng.pick(NOTICE_TYPES);
      const due = addDays(at, type.replyDays);
      const repliedAt = rng.chance(0.7) ? addDays(at, rng.range(1, type.replyDays)) : null;
      const closedAt = repliedAt && rng.chance(0.6) ? addDays(repliedAt, rng.range(10, 60)) : null;
      const period = addDays(at, -rng.int(30, 400));
      const arn = `ZD${gstin.slice(0, 2)}${gstDate(at).slice(0, 2)}${gstDate(at).slice(3, 5)}${rng.chars('0123456789', 7)}${rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}`;
      const documents = Array.from({ length: rng.int(1, 3) }, (_, i) => ({
        docId: `${arn}-D${i + 1}`,
        docName: i === 0 ? `${type.noticeType}.pdf` : `Annexure-${i}.pdf`,
        sizeBytes: rng.int(20_000, 900_000),
      }));
      return { type, due, repliedAt, closedAt, period, arn, documents };
    },
  );
  return found.map(({ at, event: e }) => ({
    arn: e.arn,
    dateOfIssue: gstDate(at),
    noticeType: e.type.noticeType,
    description: e.type.description,
    dueDateOfReply: gstDate(e.due),
    taxPeriod: formatPeriod({ month: e.period.getUTCMonth() + 1, year: e.period.getUTCFullYear() }),
    status:
      e.closedAt && e.closedAt <= now ? 'Closed' : e.repliedAt && e.repliedAt <= now ? 'Replied' : 'Open',
    documents: e.documents,
  }));
}
