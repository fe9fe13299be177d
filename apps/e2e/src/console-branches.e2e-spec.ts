import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { StackHandle } from '@practice-sync/testing';
import {
  createConsoleUser,
  SandboxBooks,
  stackDir,
  startStack,
  uniqueName,
  waitFor,
} from '@practice-sync/testing';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import type { Answer } from './gateway-http';
import { call } from './gateway-http';

/** Debian's chromium, installed by scripts/ensure-chromium.sh; playwright-core downloads no browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const SHOTS = join(stackDir(), 'screenshots');
const BOTH = ['books.masters', 'books.transactions'];

interface Link {
  id: string;
  state: string;
  error: string | null;
  held: { count: number; oldestAt: string | null };
  rules: { id: string }[];
}
interface Schedule {
  id: string;
  name: string;
  every: string | null;
  notBefore: string | null;
  nextRunAt: string | null;
  enabled: boolean;
}
interface Conflict {
  id: string;
  guid: string;
  client: { fields: Record<string, unknown> };
  server: { fields: Record<string, unknown> };
}

/**
 * The console's Schedules and Branches screens in a real headless Chromium against the stack (issue 23): an
 * operator creates a schedule (the API's field error shown on the field first) and sees it listed with its next
 * run; sees an on-demand link offline with its held changes and a failed link with its reason in staff words,
 * restarts both from the screen and sees them online again; starts a sync that finds ledgers changed at both
 * ends and resolves a conflict from the side-by-side versions; a viewer sees all of it without one action button,
 * and a write forced past the screen is refused.
 */
describe('console: schedules and branch sync in a browser', () => {
  let stack: StackHandle;
  let browser: Browser;
  let books: SandboxBooks;
  let admin = '';
  const operator = {
    email: 'asha@console-branches.example',
    password: 'operator passphrase 7',
    role: 'operator' as const,
  };
  const viewer = {
    email: 'ravi@console-branches.example',
    password: 'viewer passphrase 19',
    role: 'viewer' as const,
  };
  const bookKey = (name: string) =>
    uniqueName(name)
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 60);
  /** Online link, both ways: fails while Pune is away, then meets a conflict. */
  const mehta = { ho: bookKey('cb-mehta-ho'), branch: bookKey('cb-mehta-pune'), link: '' };
  const mehtaTitle = 'Mehta Traders Pune ⇄ Mehta Traders HO';
  /** On-demand link: Nashik sends vouchers to an HO that is away, so they are held. */
  const kothari = { ho: bookKey('cb-kothari-ho'), branch: bookKey('cb-kothari-nashik'), link: '' };
  const kothariTitle = 'Kothari Textiles Nashik ⇄ Kothari Textiles HO';

  const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
    call(stack.gatewayUrl, method, path, { key: admin, body });

  async function company(key: string, name: string, role: string, vouchers: number): Promise<string> {
    const { booksUrl } = await books.company(key, name, vouchers);
    const res = await api('POST', '/v1/companies', { name, role, booksUrl });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  }

  async function link(clientCompanyId: string, serverCompanyId: string, mode: string, rules: unknown[]) {
    const res = await api('POST', '/v1/branch-links', { clientCompanyId, serverCompanyId, mode, rules });
    expect(res.status).toBe(201);
    const created = res.body as unknown as Link;
    for (const rule of created.rules)
      expect((await api('POST', `/v1/branch-links/${created.id}/rules/${rule.id}/activate`)).status).toBe(
        200,
      );
    return created.id;
  }

  /** Runs a link's classes to the end through the API. */
  async function runToEnd(linkId: string, categories = BOTH): Promise<void> {
    const started = await api('POST', '/v1/sync-runs', { links: { ids: [linkId] }, categories });
    expect(started.status).toBe(202);
    const id = (started.body as { id: string }).id;
    await waitFor(
      async () =>
        ((await api('GET', `/v1/sync-runs/${id}`)).body as { finishedAt: string | null }).finishedAt,
      { timeoutMs: 180_000, intervalMs: 250, description: `branch sync run ${id} to finish` },
    );
  }

  async function settled(linkId: string, ok: (l: Link) => boolean, what: string): Promise<Link> {
    return waitFor(
      async () => {
        const l = (await api('GET', `/v1/branch-links/${linkId}`)).body as unknown as Link;
        return l.state !== 'syncing' && ok(l) ? l : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: what },
    );
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({
      services: ['portal-sandbox', 'client-master', 'sync-orchestrator', 'connector-books', 'gateway'],
      logPrefix: 'e2e-console-branches-',
      // Eight helpers share two cores: a service may take minutes to be ready.
      readyTimeoutMs: 300_000,
    });
    books = new SandboxBooks(stack.sandboxUrl);
    const firm = await stack.createFirmWithAdmin('Branch Screens & Co');
    admin = firm.adminApiKey;
    for (const user of [operator, viewer])
      await createConsoleUser(stack.gatewayUrl, admin, firm.firmId, user);

    const mehtaHo = await company(mehta.ho, 'Mehta Traders HO', 'head_office', 6);
    const mehtaPune = await company(mehta.branch, 'Mehta Traders Pune', 'branch', 0);
    mehta.link = await link(mehtaPune, mehtaHo, 'online', [
      { class: 'masters', direction: 'both' },
      { class: 'transactions', direction: 'both' },
    ]);
    const kothariHo = await company(kothari.ho, 'Kothari Textiles HO', 'head_office', 4);
    const kothariNashik = await company(kothari.branch, 'Kothari Textiles Nashik', 'branch', 0);
    kothari.link = await link(kothariNashik, kothariHo, 'on_demand', [
      { class: 'masters', direction: 'receive' },
      { class: 'transactions', direction: 'send' },
    ]);
    // Both branches take their HO's books while every end is online.
    await runToEnd(mehta.link);
    await runToEnd(kothari.link);

    // Kothari's HO goes away: Nashik's two new vouchers are held.
    await books.offline(kothari.ho, true);
    await books.change(kothari.branch, { action: 'create', type: 'voucher' });
    await books.change(kothari.branch, { action: 'create', type: 'voucher' });
    await runToEnd(kothari.link, ['books.transactions']);
    await settled(
      kothari.link,
      (l) => l.state === 'offline' && l.held.count === 2,
      'Kothari offline, 2 held',
    );

    // Mehta's Pune goes away while it has a new voucher to send: the link fails, saying why.
    await books.offline(mehta.branch, true);
    await books.change(mehta.branch, { action: 'create', type: 'voucher' });
    await runToEnd(mehta.link);
    await settled(mehta.link, (l) => l.state === 'failed', 'the Mehta link to read failed');

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
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      timezoneId: 'Asia/Kolkata',
      locale: 'en-IN',
    });
    // A loaded machine: the screens' waits get more than Playwright's 30 s default.
    context.setDefaultTimeout(90_000);
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

  async function noSidewaysScroll(page: Page): Promise<void> {
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  }

  /**
   * Restart from the screen until the link reads online, as a person would: a books server just back may still
   * be behind connector-books' open circuit (up to 30 s), and then the restarted sync fails once more.
   */
  async function restartUntilOnline(c: Locator, title: string, linkId: string): Promise<void> {
    let previous: string | null = null;
    for (let attempt = 1; ; attempt += 1) {
      await c.getByRole('button', { name: `Restart: ${title}` }).click();
      const watch = c.getByTestId('link-outcome').getByRole('link', { name: 'Watch the run' });
      await watch.waitFor();
      const href = await waitFor(
        async () => {
          const h = await watch.getAttribute('href');
          return h && h !== previous ? h : undefined;
        },
        { timeoutMs: 60_000, description: `the restarted run of ${title}` },
      );
      previous = href;
      const runId = href.split('/').pop() ?? '';
      await waitFor(
        async () =>
          ((await api('GET', `/v1/sync-runs/${runId}`)).body as { finishedAt: string | null }).finishedAt,
        { timeoutMs: 180_000, intervalMs: 500, description: `restarted run ${runId} to finish` },
      );
      const l = await settled(linkId, () => true, `${title} to settle after the restart`);
      const want = l.state === 'online' ? '✓ Online' : l.state === 'failed' ? '✗ Failed' : '◐ Offline';
      // The screen follows the link by itself (it refreshes after an action).
      await c.getByTestId('link-state').filter({ hasText: want }).waitFor({ timeout: 60_000 });
      if (l.state === 'online') return;
      if (attempt === 3)
        throw new Error(
          `${title} still reads ${l.state} after 3 restarts (${l.held.count} held, run ${runId}): ${l.error}`,
        );
    }
  }

  const card = (page: Page, title: string): Locator =>
    page.getByTestId('link-card').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

  it('creates a schedule from the screen, showing the API’s field error on its field, and lists it with its next run', async () => {
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();
    await page.getByTestId('schedules-empty').getByText('No schedules yet — create one').waitFor();

    await page.getByRole('button', { name: 'New schedule' }).click();
    await page.getByLabel('Name', { exact: true }).fill('GST monthly clients, every few hours');
    await page.getByLabel('Clients with a tag').check();
    await page.getByLabel('Tag', { exact: true }).fill('gst-monthly');
    await page.getByLabel('GSTR-2B (all pages)').check();
    // Every minute is too often over clients: the API refuses it, and the screen says so on the field.
    await page.getByLabel('Every', { exact: true }).fill('1');
    await page.getByLabel('Unit').selectOption('minutes');
    await page.getByLabel('Not before (optional)').fill('2030-01-15T09:30');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    const everyError = page.locator('#s-every-error');
    await everyError.waitFor();
    await expect(everyError.textContent()).resolves.toBe('Must be at least five minutes.');
    await expect(page.getByLabel('Every', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await shot(page, '40-schedules-field-error');

    await page.getByLabel('Every', { exact: true }).fill('6');
    await page.getByLabel('Unit').selectOption('hours');
    await page.getByText('Runs every 6 hours.').waitFor();
    await page.getByRole('button', { name: 'Save schedule' }).click();
    const row = page.getByTestId('schedule-row').filter({ hasText: 'GST monthly clients, every few hours' });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Clients tagged gst-monthly');
    expect(text).toContain('GSTR-2B (all pages)');
    expect(text).toContain('every 6 hours');
    expect(text).toContain('Not run yet');
    // 09:30 in Kolkata is 04:00 UTC: the API holds that instant, and the screen shows it where the person is.
    const saved = (await api('GET', '/v1/sync-schedules')).body as unknown as { items: Schedule[] };
    expect(saved.items).toEqual([expect.objectContaining({ every: 'PT6H', enabled: true })]);
    const at = (iso: string | null) => new Date(iso ?? '').toISOString();
    expect(at(saved.items[0].notBefore)).toBe('2030-01-15T04:00:00.000Z');
    expect(at(saved.items[0].nextRunAt)).toBe('2030-01-15T04:00:00.000Z');
    await expect(row.getByTestId('schedule-next').textContent()).resolves.toMatch(/15 Jan 2030.*9:30/i);
    await shot(page, '41-schedules-1280');

    // Pause, then resume; delete asks first.
    await row.getByRole('button', { name: 'Pause GST monthly clients, every few hours' }).click();
    await row.getByText('Paused — no run until resumed').waitFor();
    await row.getByRole('button', { name: 'Resume GST monthly clients, every few hours' }).click();
    await row.getByTestId('schedule-next').filter({ hasText: '2030' }).waitFor();
    await row.getByRole('button', { name: 'Delete GST monthly clients, every few hours' }).click();
    await row.getByRole('alertdialog').getByRole('button', { name: 'Keep it' }).click();
    expect(await page.getByTestId('schedule-row').count()).toBe(1);
    await context.close();

    const phone = await signedIn(390);
    await phone.page.goto(`${stack.gatewayUrl}/#/schedules`);
    await phone.page.getByTestId('schedule-row').first().waitFor();
    await noSidewaysScroll(phone.page);
    await shot(phone.page, '42-schedules-390');
    await phone.context.close();
  });

  it('shows held changes and a failed link’s reason, and restarts both from the screen', async () => {
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Branches', exact: true }).click();
    await page.getByRole('heading', { name: 'Branches', level: 1 }).waitFor();

    const held = card(page, kothariTitle);
    await held.waitFor();
    await expect(held.getByTestId('link-state').textContent()).resolves.toBe('◐ Offline — changes held');
    await expect(held.getByTestId('link-held').textContent()).resolves.toMatch(
      /^2 changes held, the oldest since \d/,
    );
    const failed = card(page, mehtaTitle);
    await expect(failed.getByTestId('link-state').textContent()).resolves.toBe('✗ Failed');
    const why = (await failed.getByTestId('link-problems').textContent()) ?? '';
    expect(why).toContain('Transactions: A books server did not answer');
    expect(why).toContain('Check that Tally is running');
    expect(why).not.toContain('portal_unavailable');
    expect(why).not.toContain('/v1/');
    await page
      .getByRole('table', { name: 'Companies' })
      .getByRole('cell', { name: 'Head office' })
      .first()
      .waitFor();
    await shot(page, '43-branches-held-and-failed');

    // Both ends back: Restart from the screen applies what was held and brings each link online.
    await books.offline(kothari.ho, false);
    await books.offline(mehta.branch, false);
    await restartUntilOnline(held, kothariTitle, kothari.link);
    await restartUntilOnline(failed, mehtaTitle, mehta.link);
    await expect(held.getByTestId('link-held').textContent()).resolves.toBe('None');
    await expect(failed.getByTestId('link-problems').count()).resolves.toBe(0);
    // Online: nothing to restart, so no Restart button.
    await expect(held.getByRole('button', { name: /^Restart/ }).count()).resolves.toBe(0);
    const nashikVouchers = (await books.objects(kothari.branch)).filter(
      (o) => o.type.toUpperCase() === 'VOUCHER',
    );
    const hoGuids = new Set((await books.objects(kothari.ho)).map((o) => o.guid));
    expect(nashikVouchers).toHaveLength(2);
    for (const v of nashikVouchers) expect(hoGuids.has(v.guid)).toBe(true);
    await context.close();
  });

  it('syncs now, finds ledgers changed at both ends and resolves one from the side-by-side versions', async () => {
    const [a, b] = (await books.objects(mehta.ho, 'ledger')).filter((l) => l.gstin).slice(0, 2);
    await books.change(mehta.ho, {
      action: 'alter',
      type: 'ledger',
      guid: a.guid,
      body: { openingBalance: -1500 },
    });
    await books.change(mehta.branch, {
      action: 'rename',
      type: 'ledger',
      guid: a.guid,
      body: { name: 'Pune Renamed' },
    });
    await books.change(mehta.ho, {
      action: 'alter',
      type: 'ledger',
      guid: b.guid,
      body: { openingBalance: -2500 },
    });
    await books.change(mehta.branch, {
      action: 'alter',
      type: 'ledger',
      guid: b.guid,
      body: { openingBalance: -3500 },
    });

    const { context, page } = await signedIn();
    await page.goto(`${stack.gatewayUrl}/#/branches`);
    const mehtaCard = card(page, mehtaTitle);
    await mehtaCard.waitFor();
    await mehtaCard.getByRole('button', { name: `Sync now: ${mehtaTitle}` }).click();
    await mehtaCard.getByTestId('link-outcome').getByText('Sync started.').waitFor();
    await mehtaCard.getByTestId('link-conflicts').filter({ hasText: /^2$/ }).waitFor({ timeout: 180_000 });
    await mehtaCard.getByRole('button', { name: 'Show conflicts (2)' }).click();
    const conflicts = (await api('GET', `/v1/branch-links/${mehta.link}/conflicts`)).body as unknown as {
      items: Conflict[];
    };
    const renamed = conflicts.items.find((c) => c.guid === a.guid) as Conflict;
    const hoName = String(renamed.server.fields['NAME']);
    const article = mehtaCard.getByTestId('conflict').filter({ hasText: `Ledger “${hoName}”` });
    const versions = article.getByRole('table', { name: `Both versions of Ledger “${hoName}”` });
    // Side by side: the field that differs first, with each end's value in its own column.
    const nameRow = versions.locator('tbody tr').filter({ has: page.locator('th', { hasText: /^≠ NAME$/ }) });
    await expect(nameRow.locator('td').allTextContents()).resolves.toEqual(['Pune Renamed', hoName]);
    await expect(versions.locator('thead th').allTextContents()).resolves.toEqual([
      'Field',
      'Mehta Traders Pune (client)',
      'Mehta Traders HO (server)',
    ]);
    await shot(page, '44-branches-conflicts-1280');

    await article
      .getByRole('button', { name: `Keep server version (Mehta Traders HO) of Ledger “${hoName}”` })
      .click();
    await mehtaCard.getByTestId('conflict-outcome').getByText('kept Mehta Traders HO’s version').waitFor();
    await mehtaCard.getByTestId('link-conflicts').filter({ hasText: /^1$/ }).waitFor();
    const atBranch = (await books.objects(mehta.branch, 'ledger')).find((l) => l.guid === a.guid);
    expect(atBranch?.name).toBe(hoName);
    await context.close();

    const phone = await signedIn(390);
    await phone.page.goto(`${stack.gatewayUrl}/#/branches`);
    const phoneCard = card(phone.page, mehtaTitle);
    await phoneCard.getByRole('button', { name: 'Show conflicts (1)' }).click();
    await phoneCard.getByTestId('conflict').first().waitFor();
    await noSidewaysScroll(phone.page);
    await shot(phone.page, '45-branches-390');
    await phone.context.close();
  });

  it('shows a viewer the schedules, links and conflicts without one action button, and refuses a forced write', async () => {
    const { context, page } = await signedIn(1280, viewer);
    await page.goto(`${stack.gatewayUrl}/#/schedules`);
    await page.getByTestId('schedule-row').first().waitFor();
    await page.getByText('Your role (viewer) can see schedules but not create').waitFor();
    expect(await page.getByRole('button', { name: 'New schedule' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Pause|Resume|Delete)/ }).count()).toBe(0);

    await page.goto(`${stack.gatewayUrl}/#/branches`);
    const mehtaCard = card(page, mehtaTitle);
    await mehtaCard.getByTestId('link-state').filter({ hasText: 'Online' }).waitFor();
    await mehtaCard.getByRole('button', { name: 'Show conflicts (1)' }).click();
    await mehtaCard.getByTestId('conflict').first().waitFor();
    expect(await page.getByRole('button', { name: /^(Sync now|Restart|Keep)/ }).count()).toBe(0);
    await shot(page, '46-branches-viewer');

    // A write forced past the screen (with the session and its CSRF token) is refused by the API.
    const forced = await page.evaluate<number>(`(async () => {
      const csrf = decodeURIComponent((/ps_csrf=([^;]+)/.exec(document.cookie) || [])[1] || '');
      const res = await fetch('/v1/sync-runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ links: { ids: ['${mehta.link}'] }, categories: ['books.masters'] }),
      });
      return res.status;
    })()`);
    expect(forced).toBe(403);
    await context.close();
  });
});
