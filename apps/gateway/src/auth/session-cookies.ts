import { parse } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';

/** The session token: HttpOnly, so page scripts never see it. */
export const SESSION_COOKIE = 'ps_session';
/** The CSRF token (double submit): readable by the console, which echoes it as `X-CSRF-Token` on writes. */
export const CSRF_COOKIE = 'ps_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change nothing and so need no CSRF token. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(req: Pick<Request, 'headers'>, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[name];
  return value ? value : undefined;
}

function options(secure: boolean, httpOnly: boolean, expires?: Date): CookieOptions {
  // SameSite=Strict: no other site can make the browser send them, even on a top-level navigation.
  return { httpOnly, secure, sameSite: 'strict', path: '/', ...(expires ? { expires } : {}) };
}

export function setSessionCookies(
  res: Response,
  tokens: { session: string; csrf: string },
  expires: Date,
  secure: boolean,
): void {
  res.cookie(SESSION_COOKIE, tokens.session, options(secure, true, expires));
  res.cookie(CSRF_COOKIE, tokens.csrf, options(secure, false, expires));
}

export function clearSessionCookies(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, options(secure, true));
  res.clearCookie(CSRF_COOKIE, options(secure, false));
}
