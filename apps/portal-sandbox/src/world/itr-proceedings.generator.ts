import { addDays, isoDate } from './dates';
import { currentAssessmentYear } from './itr-returns.generator';
import { weeklyEvents } from './weekly-events';

const SECTIONS = [
  { noticeSection: '143(1)(a)', proceedingName: 'Adjustment u/s 143(1)(a)', replyDays: 30 },
  { noticeSection: '139(9)', proceedingName: 'Defective return', replyDays: 15 },
  { noticeSection: '143(2)', proceedingName: 'Scrutiny assessment', replyDays: 30 },
  { noticeSection: '142(1)', proceedingName: 'Inquiry before assessment', replyDays: 15 },
  { noticeSection: '148', proceedingName: 'Income escaping assessment', replyDays: 30 },
  { noticeSection: '245', proceedingName: 'Adjustment of refund against demand', replyDays: 30 },
] as const;

const ay = (year: number): string => `${year}-${String((year + 1) % 100).padStart(2, '0')}`;

export interface EProceeding {
  proceedingReqId: string;
  proceedingName: string;
  assessmentYear: string;
  financialYr: string;
  noticeSection: string;
  DIN: string;
  issuedOn: string;
  responseDueDate: string;
  proceedingStatus: 'Open' | 'Response submitted' | 'Closed';
  closureOrder: { DIN: string; orderDate: string } | null;
  documents: { documentId: string; documentName: string; sizeBytes: number }[];
}

function din(rng: { chars(a: string, n: number): string }, year: number): string {
  return `ITBA/AST/S/${year}/${rng.chars('0123456789', 10)}(1)`;
}

/** e-proceedings of a PAN (last three years), newest first; each notice is a set of documents. */
export function eProceedings(worldSeed: string, pan: string, now: Date): EProceeding[] {
  const events = weeklyEvents(
    worldSeed,
    'itr-proc',
    pan,
    now,
    { chance: 0.015, slots: 2, lookbackWeeks: 156 },
    (rng, at) => {
      const section = rng.pick(SECTIONS);
      const assessment = currentAssessmentYear(at) - rng.int(0, 2);
      const responded = rng.chance(0.7) ? addDays(at, rng.range(1, section.replyDays)) : null;
      const closed = responded && rng.chance(0.6) ? addDays(responded, rng.range(15, 120)) : null;
      return {
        section,
        assessment,
        id: rng.chars('0123456789', 12),
        din: din(rng, at.getUTCFullYear()),
        closureDin: din(rng, at.getUTCFullYear()),
        responded,
        closed,
        docs: rng.int(1, 4),
        sizes: [
          rng.int(20_000, 500_000),
          rng.int(20_000, 500_000),
          rng.int(20_000, 500_000),
          rng.int(20_000, 500_000),
        ],
      };
    },
  );
  return events
    .map(({ at, event: e }) => ({
      proceedingReqId: e.id,
      proceedingName: e.section.proceedingName,
      assessmentYear: ay(e.assessment),
      financialYr: ay(e.assessment - 1),
      noticeSection: e.section.noticeSection,
      DIN: e.din,
      issuedOn: isoDate(at),
      responseDueDate: isoDate(addDays(at, e.section.replyDays)),
      proceedingStatus: (e.closed && e.closed <= now
        ? 'Closed'
        : e.responded && e.responded <= now
          ? 'Response submitted'
          : 'Open') as EProceeding['proceedingStatus'],
      closureOrder: e.closed && e.closed <= now ? { DIN: e.closureDin, orderDate: isoDate(e.closed) } : null,
      documents: Array.from({ length: e.docs }, (_, i) => ({
        documentId: `${e.id}-${i + 1}`,
        documentName: i === 0 ? `Notice u-s ${e.section.noticeSection}.pdf` : `Annexure ${i}.pdf`,
        sizeBytes: e.sizes[i],
      })),
    }))
    .reverse();
}

export interface OutstandingDemand {
  din: string;
  itrAy: string;
  sectionCode: string;
  dateOfDemandraised: string;
  orignalOutStDemandAmount: number;
  finalInterest: number;
}

/** Demands raised by closure orders of assessment proceedings; interest grows 1% a month (section 220(2)). */
export function outstandingDemand(worldSeed: string, pan: string, now: Date): OutstandingDemand[] {
  return eProceedings(worldSeed, pan, now)
    .filter((p) => p.closureOrder && ['143(2)', '148', '143(1)(a)'].includes(p.noticeSection))
    .filter((p) => Number(p.proceedingReqId.slice(-1)) % 2 === 0)
    .map((p) => {
      const raised = p.closureOrder?.orderDate ?? p.issuedOn;
      const amount = 5_000 + (Number(p.proceedingReqId.slice(-6)) % 400_000);
      const months = Math.max(0, Math.floor((now.getTime() - Date.parse(raised)) / (30 * 86_400_000)));
      return {
        din: p.closureOrder?.DIN ?? p.DIN,
        itrAy: p.assessmentYear,
        sectionCode: p.noticeSection === '148' ? '147' : p.noticeSection.slice(0, 3),
        dateOfDemandraised: raised,
        orignalOutStDemandAmount: amount,
        finalInterest: Math.round(amount * 0.01 * months),
      };
    });
}
