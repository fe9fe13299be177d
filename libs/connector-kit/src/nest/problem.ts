import type { FieldError } from '@practice-sync/problems';
import { ProblemException, ProblemType } from '@practice-sync/problems';

/** What a connector's status means in the shared vocabulary (credential endpoints answer only these). */
const CODES: Partial<Record<number, ProblemType>> = {
  400: ProblemType.Validation,
  404: ProblemType.NotFound,
  409: ProblemType.Conflict,
  422: ProblemType.PortalRefused,
  502: ProblemType.PortalUnavailable,
};

/** A credential endpoint's problem by status (422 the portal refused, 502 it is unreachable…). */
export function connectorProblem(
  status: number,
  title: string,
  detail: string,
  errors?: FieldError[],
): ProblemException {
  return new ProblemException(CODES[status] ?? ProblemType.HttpError, status, title, detail, errors);
}
