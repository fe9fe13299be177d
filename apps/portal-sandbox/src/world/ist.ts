/** India Standard Time is UTC+05:30 with no daylight saving: the portals' day starts at 18:30 UTC the day before. */
export const IST_OFFSET_MS = 330 * 60 * 1000;

/** The instant midnight IST begins on the given calendar day (month 1–12). */
export function istMidnight(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - IST_OFFSET_MS;
}
