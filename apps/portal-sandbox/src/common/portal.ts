/** The three portal families the sandbox simulates; also the path prefix of each (`/gst`, `/itr`, `/esign`). */
export const PORTALS = ['gst', 'itr', 'esign'] as const;
export type Portal = (typeof PORTALS)[number];

export function isPortal(value: string): value is Portal {
  return (PORTALS as readonly string[]).includes(value);
}

/** e-sign client file ids the sandbox accepts (HELPER-BRIEF "Identifiers"). */
export const CLIENT_FILE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The first value of a query parameter or header, or undefined (Express may give arrays). */
export function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
