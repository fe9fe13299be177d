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
const SANDBOX_OTP = '575757';

interface Category {
  id: string;
  defaultPeriod: string | null;
}
interface Notice {
  noticeId: string;
  status: string;
  dueDate: string | null;
}
interface AccessStatus {
  portal: string;
  identifier: string;
  status: string;
}

function gstin(pan: string, state: string): string {
  const first14 = `${state}${pan}1Z`;
  return `${first14}${gstinCheckCharacter(first14)}`;
}

/** `102026` → `10/2026`, as staff read a GST period. */
const mmYyyy = (p: string) => `${p.slice(0, 2)}/${p.slice(2)}`;

/** Whole days from today (this machine's date, as the browser's) to an ISO date. */
function daysUntil(iso: string): number {
  const now = new Date();
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  const [y, m, d] = iso.split('-').map(Number);
  return Math.round((Date.UTC(y, m - 1, d) - today) / 86_400_000);
}

/** The words the notices tab must show beside a due date (never colour alone). */
function dueWords(days: number): { kind: string; label: string } {
  const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  if (days < 0) return { kind: 'overdue', label: `Overdue by ${plural(-days)}` };
  if (days === 0) return { kind: 'soon', label: 'Due today' };
  return { kind: days <= 7 ? 'soon' : 'later', label: `Due in ${plural(days)}` };
}

/**
 * The client page in a real headless Chromium against the whole stack: from a run's log a person opens a failed
 * client's page, reads the failure in staff words (where to fix it, not the API call), sees GST periods as
 * MM/YYYY, enters the GSTIN's username and the OTP on the Access tab, retries, sees the status grid turn green,
 * reads the records and the change feed, and sees the client's notices with overdue and due-soon ones marked.
 */
describe('console: the client page in a browser', () => {
  let stack: StackHandle;
  let browser: Browser;
  let api: ApiClient;
  let gstr2bPeriod: string;
  const viewer = {
    email: 'kiran@console-client.example',
    password: 'viewer passphrase 44',
    role: 'viewer' as const,
  };
  const operator = {
    email: 'meera@console-client.example',
    password: 'operator passphrase 3',
    role: 'operator' as const,
  };
  // The notices e2e's taxpayers (issue 19): four GSTINs each are enough for open notices whatever the day.
  const clients = [
    { name: 'Notice Traders', pan: 'NTCPA1234A' },
    { name: 'Notice Exports', pan: 'NTCPB5678B' },
  ].map((c) => ({ ...c, gstins: ['27', '29', '07', '33'].map((s) => gstin(c.pan, s)), id: '' }));
  /** The one GSTIN whose access nobody stored: its jobs fail until the OTP is entered in the console. */
  const unfixed = clients[0].gstins[3];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({ logPrefix: 'e2e-console-client-' });
    const firm = await stack.createFirmWithAdmin('Client Page & Co');
    api = new ApiClient(stack.gatewayUrl, firm.adminApiKey);
    for (const c of clients) {
      const created = await api.post<{ id: string }>('/v1/clients', {
        name: c.name,
        pan: c.pan,
        gstins: c.gstins,
        office: 'Mumbai',
        tags: ['notices'],
      });
      expect(created.status).toBe(201);
      c.id = created.body.id;
    }
    await grantPortalAccess(stack.gatewayUrl, firm.adminApiKey, {
      gstins: clients.flatMap((c) => c.gstins).filter((g) => g !== unfixed),
    });
    for (const user of [operator, viewer])
      await createConsoleUser(stack.gatewayUrl, firm.adminApiKey, firm.firmId, user);
    const catalogue = (await api.get<{ items: Category[] }>('/v1/categories')).body.items;
    gstr2bPeriod = catalogue.find((c) => c.id === 'gst.gstr2b')?.defaultPeriod ?? '';
    expect(gstr2bPeriod).toMatch(/^\d{6}$/);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signedIn(
    width = 1280,
    user: { email: string; password: string } = operator,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${stack.gatewayUrl}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();
    return { context, page };
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

  it('opens a failed client from the log, explains it in staff words, takes the OTP, retries, and shows status, records, changes and notices', async () => {
    const { context, page } = await signedIn();
    await page.getByLabel('Tag').fill('notices');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('link', { name: clients[1].name }).waitFor();
    await page.getByRole('button', { name: 'Select all matching clients' }).click();
    await page.getByLabel('GSTR-2B (all pages)').check();
    await page.getByLabel('notices and the return filing register (RETTRACK)').check();
    // The period picker: editable, MM/YYYY, defaulting to the latest GSTR-2B that exists.
    const picker = page.getByLabel('GST return period');
    await expect(picker.inputValue()).resolves.toBe(gstr2bPeriod);
    await expect(picker.locator('option:checked').textContent()).resolves.toBe(mmYyyy(gstr2bPeriod));
    const later = await picker.locator('option').first().textContent();
    expect(later).toMatch(/^\d{2}\/\d{4}/);
    await shot(page, '10-bucket-period-picker');
    await page.getByRole('button', { name: 'Start Sync' }).click();

    const runId = await runFinished(page);
    const runUrl = page.url();
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('2');
    await page.getByLabel('Only clients with failures').check();
    const failedClient = page.locator('.log > li').filter({ hasText: clients[0].name });
    await failedClient.locator('summary').click();
    const failedRow = failedClient.locator('tr.failed').first();
    // Staff wording: what happened and where to fix it; the API's own text (PUT /v1/credentials/…) stays out.
    await failedRow.getByText("Enter the client's GST portal username on the client's Access tab").waitFor();
    const rowText = (await failedRow.textContent()) ?? '';
    expect(rowText).toContain(`No GST portal access is stored for ${unfixed}.`);
    expect(rowText).not.toContain('/v1/');
    // The period as MM/YYYY, never as the API's MMYYYY.
    expect(rowText).toContain(`${unfixed} · ${mmYyyy(gstr2bPeriod)}`);
    expect(rowText).not.toContain(gstr2bPeriod);
    // The category as the Sync Bucket names it, never its id.
    expect(rowText).toMatch(/GSTR-2B \(all pages\)|Notices and the return filing register/);
    expect(rowText).not.toMatch(/\bgst\.[a-z]/);
    await shot(page, '11-run-log-staff-wording');

    // From the log to the client's page: the status grid, with the failure in its cell.
    await failedClient.getByRole('link', { name: `Open the client page of ${clients[0].name}` }).click();
    await page.getByRole('heading', { name: clients[0].name, level: 1 }).waitFor();
    const grid = page.getByRole('table', { name: 'GST status' });
    await grid.waitFor();
    const headers = await grid.locator('thead th').allTextContents();
    expect(headers).toEqual(['Category', ...clients[0].gstins]);
    const gstr2bRow = grid.getByRole('row', { name: /GSTR-2B/ });
    const cells = gstr2bRow.getByTestId('status-cell');
    await expect(cells.count()).resolves.toBe(4);
    await expect(cells.nth(3).textContent()).resolves.toMatch(
      /Failed.*for \d{2}\/\d{4}.*Last success: never/,
    );
    await expect(cells.nth(0).textContent()).resolves.toContain(`for ${mmYyyy(gstr2bPeriod)}`);
    await expect(cells.nth(0).textContent()).resolves.not.toContain('never');
    await shot(page, '12-client-status-grid');

    // The Access tab: the lapsed GSTIN, its username, then the OTP the portal sends.
    await page.getByRole('link', { name: 'Access', exact: true }).click();
    const item = page.getByTestId('access-item').filter({ hasText: unfixed });
    await item.getByText('Not set up').waitFor();
    // Its four GSTINs, its PAN's consent and the firm's e-filing account that consent needs.
    await expect(page.getByTestId('access-item').count()).resolves.toBe(6);
    await page.getByText("The firm's e-filing (ERI) account", { exact: true }).waitFor();
    await expect(item.textContent()).resolves.not.toContain('/v1/');
    await page.getByLabel(`1. GST portal username for ${unfixed}`).fill('notice_traders_33');
    await page.getByRole('button', { name: 'Send OTP' }).click();
    await item.getByText('The portal sent an OTP').waitFor();
    // The OTP field has the focus, ready for the digits the taxpayer reads out.
    await expect(page.evaluate<string>('document.activeElement?.id ?? ""')).resolves.toBe(`o-${unfixed}`);
    await shot(page, '13-access-otp-entry');
    await page.getByLabel(`2. OTP for ${unfixed}`).fill(SANDBOX_OTP);
    await page.getByRole('button', { name: 'Submit OTP' }).click();
    await item.getByText('Working').waitFor({ timeout: 30_000 });
    const access = (await api.get<{ items: AccessStatus[] }>(`/v1/credentials?clientId=${clients[0].id}`))
      .body;
    expect(access.items.map((a) => [a.identifier, a.status])).toContainEqual([unfixed, 'ok']);
    // One client's access only; a client id that is not one is refused, naming the field.
    expect(
      access.items.every((a) => a.identifier === 'account' || a.identifier.includes(clients[0].pan)),
    ).toBe(true);
    const bad = await api.get<{ errors: Array<{ field: string }> }>('/v1/credentials?clientId=rao');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toEqual(['clientId']);
    const foreign = await api.get('/v1/credentials?clientId=0193a8f4-5555-7abc-8def-0123456789ab');
    expect(foreign.status).toBe(404);
    await shot(page, '14-access-otp-accepted');

    // Back to the run: Retry failed, then the grid is all synced.
    await page.goto(runUrl);
    await page.getByRole('button', { name: 'Retry failed (2)' }).click();
    await page.waitForURL((u) => u.hash.startsWith('#/runs/') && !u.hash.includes(runId));
    await runFinished(page);
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('0');
    await page.goto(`${stack.gatewayUrl}/#/clients/${clients[0].id}/status`);
    await page.getByRole('table', { name: 'GST status' }).waitFor();
    await expect(page.getByTestId('status-cell').filter({ hasText: 'Failed' }).count()).resolves.toBe(0);

    // Records of a category, paged from the server; the change feed of what the syncs found.
    await page.getByRole('link', { name: 'Records', exact: true }).click();
    await page.getByLabel('Category', { exact: true }).selectOption('gst.gstr2b');
    await page.getByRole('button', { name: 'Show records' }).click();
    const records = page.getByRole('table', { name: 'Records' }).locator('tbody tr');
    await records.filter({ hasText: clients[0].pan }).first().waitFor();
    await page.getByRole('link', { name: 'Changes', exact: true }).click();
    await page.getByTestId('changes-summary').waitFor();
    const summary = (await page.getByTestId('changes-summary').textContent()) ?? '';
    expect(Number(/^(\d+) added/.exec(summary)?.[1])).toBeGreaterThan(0);
    await shot(page, '15-client-changes');

    // Notices: each open one's due date in words, overdue and due within 7 days marked.
    const withNotices = [];
    for (const c of clients) {
      const open = (await api.get<{ items: Notice[] }>(`/v1/notices?clientId=${c.id}&status=open&limit=200`))
        .body;
      if (open.items.length > 0) withNotices.push({ client: c, open: open.items });
    }
    expect(withNotices.length).toBeGreaterThan(0);
    let marked = 0;
    for (const { client, open } of withNotices) {
      await page.goto(`${stack.gatewayUrl}/#/clients/${client.id}/notices`);
      await page.getByLabel('Show', { exact: true }).selectOption('open');
      const rows = page.getByTestId('notice-row');
      await rows.first().waitFor();
      for (const n of open.filter((x) => x.dueDate)) {
        const row = rows.filter({ hasText: n.noticeId });
        const want = dueWords(daysUntil(n.dueDate ?? ''));
        await expect(row.getByTestId('due-label').textContent()).resolves.toContain(want.label);
        await expect(row.getAttribute('class')).resolves.toBe(`due-${want.kind}`);
        if (want.kind !== 'later') marked += 1;
      }
      await shot(page, `16-client-notices-${client.pan}`);
    }
    // The sandbox's notices are old enough that some open ones are overdue.
    expect(marked).toBeGreaterThan(0);
    await context.close();
  });

  it('shows the client page at phone width without the page scrolling sideways', async () => {
    const { context, page } = await signedIn(390);
    const loaded: Record<string, string> = {
      // At phone width the grid becomes a list per identifier.
      status: '.phone-only .status-list',
      access: '[data-testid="access-item"]',
      notices: 'table[aria-label="Notices"][aria-busy="false"]',
    };
    for (const [tab, ready] of Object.entries(loaded)) {
      await page.goto(`${stack.gatewayUrl}/#/clients/${clients[0].id}/${tab}`);
      await page.getByRole('heading', { name: clients[0].name, level: 1 }).waitFor();
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(page, `17-phone-client-${tab}`);
    }
    await context.close();
  });

  it('shows a viewer the access health but no form to change it', async () => {
    const { context, page } = await signedIn(1280, viewer);
    await page.goto(`${stack.gatewayUrl}/#/clients/${clients[1].id}/access`);
    await page.getByTestId('access-item').first().waitFor();
    await page.getByText('Your role (viewer) can see access but not change it.').waitFor();
    expect(await page.getByRole('button', { name: 'Send OTP' }).count()).toBe(0);
    expect(await page.getByRole('textbox').count()).toBe(0);
    await context.close();
  });
});
