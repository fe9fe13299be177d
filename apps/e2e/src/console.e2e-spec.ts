import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { gstinCheckCharacter } from '@practice-sync/contracts';
import type { StackHandle } from '@practice-sync/testing';
import { createConsoleUser, grantPortalAccess, stackDir, startStack } from '@practice-sync/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { ApiClient } from './api-client';

/** Debian's chromium, installed by scripts/ensure-chromium.sh; playwright-core downloads no browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const SHOTS = join(stackDir(), 'screenshots');
const TAG = 'gst-monthly';
/** More than one page of the console's table (50), so Select All must mean the pages not shown too. */
const TAGGED = 53;

interface SyncRun {
  id: string;
  status: string;
  clients: Record<string, unknown>;
  categories: string[];
  totals: Record<string, number>;
}

function pan(i: number): string {
  const l = (n: number) => String.fromCharCode(65 + (n % 26));
  return `AB${l(i)}P${l(Math.floor(i / 26))}${String(1000 + i)}${l(i + 7)}`;
}

function gstin(p: string): string {
  const first14 = `27${p}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/**
 * The console in a real headless Chromium against the whole stack, with production's access rules: a person
 * signs in, filters by tag, selects all matching clients (more than one page), picks two portals' categories,
 * starts, watches progress reach 100%, reads why a client failed, fixes it and retries the failures; a viewer
 * sees no Start button and the API refuses the forced request.
 */
describe('console: the Sync Bucket in a browser', () => {
  let stack: StackHandle;
  let browser: Browser;
  let api: ApiClient;
  let adminKey: string;
  let firmId: string;
  const operator = {
    email: 'asha@console-e2e.example',
    password: 'operator passphrase 1',
    role: 'operator' as const,
  };
  const viewer = {
    email: 'ravi@console-e2e.example',
    password: 'viewer passphrase 22',
    role: 'viewer' as const,
  };
  const clients = Array.from({ length: TAGGED + 3 }, (_, i) => ({
    name: `${i < TAGGED ? 'Monthly' : 'Quarterly'} Traders ${String(i + 1).padStart(2, '0')}`,
    pan: pan(i),
    gstin: gstin(pan(i)),
    fileId: `file-${i + 1}`,
    tag: i < TAGGED ? TAG : 'quarterly',
  }));
  /** The one client whose GST access the firm has not stored yet: its GST job fails, then is fixed. */
  const unfixed = clients[7];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ logPrefix: 'e2e-console-' });
    const firm = await stack.createFirmWithAdmin('Console & Co');
    adminKey = firm.adminApiKey;
    firmId = firm.firmId;
    api = new ApiClient(stack.gatewayUrl, adminKey);
    const csv = [
      'name,pan,tan,gstins,esignClientFileId,office,tags',
      ...clients.map((c) => `${c.name},${c.pan},,${c.gstin},${c.fileId},Pune,${c.tag}`),
    ].join('\n');
    const imported = await fetch(`${stack.gatewayUrl}/v1/clients/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(imported.status).toBe(200);
    await grantPortalAccess(stack.gatewayUrl, adminKey, {
      gstins: clients.filter((c) => c !== unfixed).map((c) => c.gstin),
      esign: true,
    });
    for (const user of [operator, viewer]) await createConsoleUser(stack.gatewayUrl, adminKey, firmId, user);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signedIn(user: { email: string; password: string }, width = 1280): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${stack.gatewayUrl}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();
    return context;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function runFinished(page: Page): Promise<string> {
    await page.getByTestId('run-percent').filter({ hasText: '100%' }).waitFor({ timeout: 240_000 });
    await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
    const id = /#\/runs\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    if (!id) throw new Error(`not on a run page: ${page.url()}`);
    return id;
  }

  it('signs in, selects all clients of a tag across pages, syncs two portals, explains a failure and retries it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${stack.gatewayUrl}/`);
    await page.getByLabel('Password').fill('not the password');
    await page.getByLabel('Email').fill(operator.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The email or the password is wrong' }).waitFor();
    await shot(page, '01-sign-in-refused');
    await page.getByLabel('Password').fill(operator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();

    await page.getByLabel('Tag').fill(TAG);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.getByRole('table', { name: 'Clients' }).locator('tbody tr');
    await rows.filter({ hasText: 'Monthly Traders 01' }).waitFor();
    expect(await rows.count()).toBe(50);
    expect(await rows.filter({ hasText: 'Quarterly' }).count()).toBe(0);
    await expect(page.getByRole('button', { name: 'Next page' }).isEnabled()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Select all matching clients' }).click();
    await page.getByText('including pages not shown').waitFor();
    await page.getByLabel('GSTR-2B (all pages)').check();
    await page.getByLabel('ALL e-sign').check();
    await shot(page, '02-sync-bucket-selected');
    await page.getByRole('button', { name: 'Start Sync' }).click();

    const runId = await runFinished(page);
    await shot(page, '03-run-completed');
    const run = (await api.get<SyncRun>(`/v1/sync-runs/${runId}`)).body;
    // The selection went as the tag, not as ids, and covered the page not shown: 53 clients × 2 categories.
    expect(run.clients).toEqual({ tags: [TAG] });
    expect(run.categories.sort()).toEqual(['esign.signature_timestamps', 'gst.gstr2b']);
    expect(run.totals.jobs).toBe(TAGGED * 2);
    expect(run.totals.failed).toBe(1);
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('1');

    await page.getByLabel('Only clients with failures').check();
    const failedClient = page.locator('.log > li').filter({ hasText: unfixed.name });
    await failedClient.locator('summary').click();
    const failedRow = failedClient.locator('tr.failed');
    // Staff wording: what happened and where in the console to fix it, never the API call that does it.
    await failedRow.getByText("Enter the client's GST portal username on the client's Access tab").waitFor();
    await expect(failedRow.textContent()).resolves.toContain(unfixed.gstin);
    await expect(failedRow.textContent()).resolves.not.toContain('/v1/');
    await shot(page, '04-run-log-failure-reason');

    // The fix the log names, on the client's Access tab (the portal username, then the OTP), then one click.
    const runUrl = page.url();
    await failedRow.getByRole('link', { name: `Open the Access tab of ${unfixed.name}` }).click();
    await page.getByLabel(`1. GST portal username for ${unfixed.gstin}`).fill('monthly_traders_08');
    await page.getByRole('button', { name: 'Send OTP' }).click();
    await page.getByLabel(`2. OTP for ${unfixed.gstin}`).fill('575757');
    await page.getByRole('button', { name: 'Submit OTP' }).click();
    await page
      .getByTestId('access-item')
      .filter({ hasText: unfixed.gstin })
      .getByText('Working')
      .waitFor({ timeout: 30_000 });
    await page.goto(runUrl);
    await page.getByRole('button', { name: 'Retry failed (1)' }).click();
    await page.waitForURL((u) => u.hash.startsWith('#/runs/') && !u.hash.includes(runId));
    const retryId = await runFinished(page);
    const retry = (await api.get<SyncRun>(`/v1/sync-runs/${retryId}`)).body;
    expect(retry.totals).toMatchObject({ jobs: 1, failed: 0 });
    expect(retry.totals.succeeded + retry.totals.noChange + retry.totals.noData).toBe(1);
    await shot(page, '05-retry-completed');
    await context.close();
  });

  it('shows a viewer no Start button, and the API refuses the request the viewer forces', async () => {
    const context = await signedIn(viewer);
    const page = context.pages()[0];
    await page.getByRole('table', { name: 'Clients' }).locator('tbody tr').first().waitFor();
    await page.getByText('Your role (viewer) can look at clients and runs but not start a sync').waitFor();
    expect(await page.getByRole('button', { name: 'Start Sync' }).count()).toBe(0);
    await shot(page, '06-viewer-bucket');
    // Run in the page (its cookies and CSRF token), as a viewer with the browser's developer tools would.
    const forced = await page.evaluate<{ status: number; body: { detail: string } }>(`(async () => {
      const csrf = /(?:^|;\\s*)ps_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const res = await fetch('/v1/sync-runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': decodeURIComponent(csrf) },
        body: JSON.stringify({ clients: { all: true }, categories: ['gst.gstr2b'] }),
      });
      return { status: res.status, body: await res.json() };
    })()`);
    expect(forced.status).toBe(403);
    expect(forced.body.detail).toContain('yours is viewer');
    await context.close();
  });

  it('works at phone width', async () => {
    const context = await signedIn(operator, 390);
    const page = context.pages()[0];
    await page.getByRole('table', { name: 'Clients' }).locator('tbody tr').first().waitFor();
    // Nothing wider than the screen but the table, which scrolls in its own box.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '07-phone-sync-bucket');
    await context.close();
  });
});
