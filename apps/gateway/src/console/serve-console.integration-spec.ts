import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import express from 'express';

import { consoleFiles } from './serve-console';

/** The console's files beside the API, on a real HTTP server: what reaches the disk and what goes on. */
describe('consoleFiles', () => {
  let root: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(join(tmpdir(), 'console-'));
    fs.mkdirSync(join(root, 'assets'));
    fs.writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
    fs.writeFileSync(join(root, 'favicon.svg'), '<svg/>');
    const app = express();
    app.use(consoleFiles(root));
    app.get('/v1/sync-runs/:id', (req, res) => void res.json({ id: req.params.id }));
    app.use((_req, res) => void res.status(404).json({ title: 'Not Found' }));
    server = app.listen(0);
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(root, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  it('serves the console at / and its assets, with their caching and security headers', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>console</title>');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const asset = await fetch(`${base}/assets/app-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/favicon.svg`)).status).toBe(200);
  });

  it('hands API requests on without touching the file system', async () => {
    const stat = jest.spyOn(fs, 'stat');
    const res = await fetch(`${base}/v1/sync-runs/0193`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '0193' });
    expect(await (await fetch(`${base}/metrics`)).json()).toEqual({ title: 'Not Found' });
    expect(stat).not.toHaveBeenCalled();
    // A console path still reaches the disk (the spy sees it), and a missing asset falls through.
    expect((await fetch(`${base}/assets/gone.js`)).status).toBe(404);
    expect(stat).toHaveBeenCalled();
  });
});
