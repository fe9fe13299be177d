import type { Response } from 'express';

import { firstString } from '../common/portal';
import { itrError } from '../common/portal-errors';
import type { ItrAccess, ItrSessionService } from './itr-session.service';

const REFUSALS: Record<Exclude<ItrAccess, 'ok'>, [number, string, string]> = {
  no_session: [401, 'ERI_SESSION_INVALID', 'No valid intermediary session; log in first'],
  expired: [401, 'ERI_SESSION_EXPIRED', 'The intermediary session expired after inactivity; log in again'],
  no_consent: [403, 'ERI_CLIENT_NOT_ADDED', 'The taxpayer has not given consent to this intermediary'],
};

/** The `authToken` header of an e-filing request. */
export const itrToken = (headers: Record<string, unknown>): string | undefined =>
  firstString(headers.authtoken);

/**
 * Answers the refusal and returns false when the request may not proceed. With sessions not required every
 * request proceeds.
 */
export function allowItr(
  required: boolean,
  sessions: ItrSessionService,
  headers: Record<string, unknown>,
  res: Response,
  pan?: string,
): boolean {
  if (!required) return true;
  const access = sessions.access(itrToken(headers), pan);
  if (access === 'ok') return true;
  const [status, code, desc] = REFUSALS[access];
  res.status(status).json(itrError(status, desc, code));
  return false;
}
