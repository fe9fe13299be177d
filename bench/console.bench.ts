/**
 * Console figures with 10,000 clients: how long a signed-in person waits for the Sync Bucket's first paint and
 * for its first page of clients, and for Select All (all matching, pages not shown included) — in Debian's
 * chromium (scripts/ensure-chromium.sh) driven by playwright-core, against the gateway serving the built console
 * with client-master behind it. Also counts the client-list requests and the rows the page holds, to show the
 * page never loads every client.
 */
import { createConsoleUser, startStack } from '@practice-sync/testing';
import * as argon2 from 'argon2';
import { chromium } from 'playwright-core';

import { loadGatewayConfig } from '../apps/gateway/src/config/gateway.config';
import { argon2CostOf } from '../apps/gateway/src/users/password-hasher';
import { importClients, infrastructure, withScratchDatabase } from './lib/pipeline';

const CLIENTS = 10_000;
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]);
}

/**
 * One sign-in's password check: argon2id verify with the gateway's PASSWORD_HASH_* defaults, against the
 * library's own defaults (what the gateway used before). CPU time of this process per verify (steadier than wall
 * time on a shared machine) and wall time, medians of VERIFIES verifies each, before the stack starts.
 */
const VERIFIES = 9;
export async function passwordVerifyFigures() {
  const cost = argon2CostOf(
    loadGatewayConfig({
      PLATFORM_API_KEY: 'bench-platform-key-0001',
      DATABASE_URL: 'postgres://bench@127.0.0.1/x',
    }),
  );
  const variants = [
    { name: `m=${cost.memoryCost} KiB t=${cost.timeCost} p=${cost.parallelism} (gateway default)`, cost },
    {
      name: 'm=65536 KiB t=3 p=4 (argon2 library default, before)',
      cost: { memoryCost: 65_536, timeCost: 3, parallelism: 4 },
    },
  ];
  const figures = [];
  for (const v of variants) {
    const hash = await argon2.hash('bench console passphrase', { type: argon2.argon2id, ...v.cost });
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < VERIFIES; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await argon2.verify(hash, 'bench console passphrase');
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    figures.push(
      {
        name: `password verify CPU, ${v.name}`,
        value: median(cpu),
        unit: 'ms',
        note: `argon2id verify, median of ${VERIFIES}`,
      },
      {
        name: `password verify wall, ${v.name}`,
        value: median(wall),
        unit: 'ms',
        note: "wall time: moves with the machine's load",
      },
    );
  }
  return figures;
}

export async function run() {
  const passwords = await passwordVerifyFigures();
  const infra = await infrastructure();
  return withScratchDatabase(infra, 'console', async (databaseUrl, topicPrefix) => {
    const stack = await startStack({
      services: ['client-master', 'sync-orchestrator', 'gateway'],
      kafkaBrokers: infra.kafkaBrokers,
      databaseUrl,
      topicPrefix,
      logPrefix: 'bench-console-',
      logLevel: 'warn',
      env: { RATE_LIMIT_POINTS: '1000000000' },
    });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox'],
    });
    try {
      const firm = await stack.createFirmWithAdmin('Bench Console Associates');
      await importClients(stack, firm.adminApiKey, CLIENTS);
      const user = {
        email: 'bench@console.example',
        password: 'bench console passphrase',
        role: 'operator' as const,
      };
      await createConsoleUser(stack.gatewayUrl, firm.adminApiKey, firm.firmId, user);

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${stack.gatewayUrl}/`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();

      let listCalls = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/v1/clients') listCalls++;
      });
      const paint: number[] = [];
      const rows: number[] = [];
      const selectAll: number[] = [];
      let rowsHeld = 0;
      for (let i = 0; i < ROUNDS; i++) {
        // A fresh load of the page with the session cookie: first paint, then the first page of clients.
        const t0 = Date.now();
        await page.goto(`${stack.gatewayUrl}/?round=${i}#/`);
        await page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();
        const fcp = await page.evaluate<number>(
          "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1",
        );
        paint.push(fcp);
        await page
          .getByRole('table', { name: 'Clients' })
          .locator('tbody tr input[type="checkbox"]')
          .first()
          .waitFor();
        rows.push(Date.now() - t0);
        rowsHeld = await page.getByRole('table', { name: 'Clients' }).locator('tbody tr').count();
        const s0 = Date.now();
        await page.getByRole('button', { name: 'Select all clients' }).click();
        await page.getByText('including pages not shown').waitFor();
        selectAll.push(Date.now() - s0);
      }
      await context.close();
      const how = `${CLIENTS} clients, chromium headless at 1280 px, median of ${ROUNDS} loads`;
      return [
        {
          name: 'Sync Bucket first contentful paint',
          value: median(paint),
          unit: 'ms',
          note: `${how}; the browser's FCP`,
        },
        {
          name: 'Sync Bucket first page of clients shown',
          value: median(rows),
          unit: 'ms',
          note: `${how}; navigation → the first client row (${rowsHeld} rows held in the page)`,
        },
        {
          name: 'Select All (10,000 clients)',
          value: median(selectAll),
          unit: 'ms',
          note: `click → "including pages not shown"; sent later as one selection, no client ids are loaded`,
        },
        {
          name: 'client-list requests per load',
          value: Math.round((listCalls / ROUNDS) * 10) / 10,
          unit: 'requests',
          note: 'GET /v1/clients calls per page load (50 clients each), Select All included',
        },
        ...passwords,
      ];
    } finally {
      await browser.close();
      await stack.stop();
    }
  });
}
