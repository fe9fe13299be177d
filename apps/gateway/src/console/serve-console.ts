import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { static as serveStatic } from 'express';

/**
 * Serves the built console (apps/console/dist) under `/`, so it calls the same-origin `/v1` and its session
 * cookie is SameSite=Strict first-party: one process and one origin to deploy, no CORS. The console routes
 * with the URL's hash, so only real files are served here and `/v1`, `/docs`, `/health` and `/metrics` are
 * never shadowed. Returns whether a console was found.
 */
export function serveConsole(app: NestExpressApplication, dir: string | undefined): boolean {
  if (!dir) return false;
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`CONSOLE_DIR ${root} has no index.html; build the console (npx vite build apps/console)`);
  }
  app.use(consoleFiles(root));
  return true;
}

/**
 * The console's files under `root`: only requests for `/` or under one of its top-level entries (read once: a
 * build does not change while the gateway runs) reach the file system. Every other request, the API's above
 * all, goes straight on: handed to express.static, each would cost a failed `stat` and the error object it
 * makes (a seventh of the gateway's CPU on `GET /v1/sync-runs/{id}`, `npm run bench -- gateway`).
 */
export function consoleFiles(root: string): RequestHandler {
  const entries = new Set(readdirSync(root));
  const files = serveStatic(root, {
    index: 'index.html',
    fallthrough: true,
    setHeaders: (res: Response, path: string) => {
      // Hashed asset names change with their content; index.html must be fetched fresh to find them.
      res.setHeader(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const first = req.path.split('/', 2)[1] ?? '';
    if (first === '' || entries.has(first)) files(req, res, next);
    else next();
  };
}
