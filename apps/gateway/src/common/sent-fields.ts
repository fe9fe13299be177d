/** The fields a PATCH actually sent (class-transformer leaves declared-but-absent fields undefined). */
export function sentFields(dto: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
}
