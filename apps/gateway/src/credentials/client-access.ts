import type { AccessStatusDto } from './dto/access-status.dto';

/** The identifiers of one client (client-master's client). */
export interface ClientIdentifiers {
  pan: string | null;
  gstins: readonly string[];
  esignClientFileId: string | null;
}

/** The identifier the firm-wide ITR and e-sign accounts are stored under by their connectors. */
const ACCOUNT = 'account';

/**
 * The access health one client's syncs depend on: its GSTINs, its PAN and the firm's e-filing account its PAN
 * needs, its e-sign client file and the firm's e-sign account. A firm account appears only when the client has
 * an identifier that needs it.
 */
export function accessOfClient(
  all: readonly AccessStatusDto[],
  client: ClientIdentifiers,
): AccessStatusDto[] {
  const wanted = new Set<string>();
  for (const g of client.gstins) wanted.add(`gst|${g}`);
  if (client.pan) wanted.add(`itr|${client.pan}`).add(`itr|${ACCOUNT}`);
  if (client.esignClientFileId) wanted.add(`esign|${client.esignClientFileId}`).add(`esign|${ACCOUNT}`);
  return all.filter((s) => wanted.has(`${s.portal}|${s.identifier}`));
}
