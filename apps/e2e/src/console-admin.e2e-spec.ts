import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { StackHandle } from '@practice-sync/testing';
import { createConsoleUser, stackDir, startStack } from '@practice-sync/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's chromium, installed by scripts/ensure-chromium.sh; playwright-core downloads no browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const SHOTS = join(stackDir(), 'screenshots');
const IP_LIMIT = 5;

/**
 * The console's admin screens in a real headless Chromium against the whole stack: an admin invites an operator
 * and passes the link on; the operator sets a password, signs in and has no Users screen (the API refuses a
 * forced request); repeated bad sign-ins from one address are refused with a readable 429; the firm accounts
 * screen lists the ERI and e-sign accounts and takes a lapsed one again. Each browser context claims its own
 * client address (X-Forwarded-For, believed from loopback with TRUST_PROXY=loopback), as people at different
 * offices would, so the per-IP budget of one does not touch another.
 */
describe('console: users and firm accounts in a browser', () => {
  let stack: StackHandle;
  let browser: Browser;
  let firmId: string;
  let adminKey: string;
  let nextIp = 20;
  const admin = {
    email: 'asha@console-admin.example',
    password: 'admin passphrase 23',
    role: 'admin' as const,
  };
  const operator = { email: 'ravi@console-admin.example', password: 'operator passphrase 23' };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack({
      // What these screens reach: the accounts' connectors and the sandbox behind them; no branch sync.
      services: [
        'portal-sandbox',
        'client-master',
        'sync-orchestrator',
        'connector-gst',
        'connector-itr',
        'connector-esign',
        'gateway',
      ],
      logPrefix: 'e2e-console-admin-',
      // Eight sessions share two cores: a service may take minutes to boot.
      readyTimeoutMs: 600_000,
      env: {
        TRUST_PROXY: 'loopback',
        SIGN_IN_IP_MAX_ATTEMPTS: String(IP_LIMIT),
        SIGN_IN_IP_WINDOW_SECONDS: '300',
      },
    });
    const firm = await stack.createFirmWithAdmin('Console Admin & Co');
    firmId = firm.firmId;
    adminKey = firm.adminApiKey;
    await createConsoleUser(stack.gatewayUrl, adminKey, firmId, admin);
    // The firm's e-filing account is stored (the sandbox accepts it); its e-sign account is not.
    const eri = await fetch(`${stack.gatewayUrl}/v1/credentials/itr`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: 'eri-client',
        clientSecret: 'eri-secret',
        userId: 'ERIP000001',
        password: 'eri-password',
      }),
    });
    expect(eri.status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A browser at `width` px from an address of its own (TEST-NET-2: a header value, no traffic goes there). */
  async function visitor(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      extraHTTPHeaders: { 'x-forwarded-for': `198.51.100.${nextIp++}` },
    });
    return { context, page: await context.newPage() };
  }

  async function signIn(page: Page, user: { email: string; password: string }): Promise<void> {
    await page.goto(`${stack.gatewayUrl}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function noSidewaysScroll(page: Page): Promise<void> {
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  }

  it('admin invites an operator, who sets a password, signs in and has no Users screen', async () => {
    const a = await visitor();
    await signIn(a.page, admin);
    await a.page.getByRole('link', { name: 'Users', exact: true }).click();
    await a.page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await a.page.getByTestId('user-row').filter({ hasText: admin.email }).waitFor();
    await a.page.getByLabel('Email').fill(operator.email);
    await a.page.getByLabel('Role', { exact: true }).selectOption('operator');
    await a.page.getByRole('button', { name: 'Invite' }).click();
    const link = await a.page.getByTestId('invitation-link').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.gatewayUrl}/#/invitation/[A-Za-z0-9_-]{40,}$`));
    const row = a.page.getByTestId('user-row').filter({ hasText: operator.email });
    await row.getByText('Invited (no password yet)').waitFor();
    await expect(row.getByLabel(`Role of ${operator.email}`).inputValue()).resolves.toBe('operator');
    await shot(a.page, '30-admin-users-invited');

    // The invitee, elsewhere, opens the link: the rules are shown, a short password is not accepted.
    const b = await visitor(390);
    await b.page.goto(link);
    await b.page.getByRole('heading', { name: 'Set your password' }).waitFor();
    await b.page.getByLabel('New password').fill('too short');
    await b.page.getByLabel('The same password again').fill('too short');
    await expect(b.page.getByRole('button', { name: 'Set password' }).isDisabled()).resolves.toBe(true);
    await b.page.getByText('12 to 256 characters (9 so far)').waitFor();
    await b.page.getByLabel('New password').fill(operator.password);
    await b.page.getByLabel('The same password again').fill(operator.password);
    await noSidewaysScroll(b.page);
    await shot(b.page, '31-phone-accept-invitation');
    await b.page.getByRole('button', { name: 'Set password' }).click();
    await b.page.getByText(`You can now sign in as ${operator.email}`).waitFor();
    await b.page.getByRole('button', { name: 'Go to sign in' }).click();
    await b.page.getByLabel('Email').fill(operator.email);
    await b.page.getByLabel('Password').fill(operator.password);
    await b.page.getByRole('button', { name: 'Sign in' }).click();
    await b.page.getByRole('heading', { name: 'Sync Bucket' }).waitFor();
    // No Users screen for an operator; forced, the page says why and the API itself refuses.
    await expect(b.page.getByRole('link', { name: 'Users', exact: true }).count()).resolves.toBe(0);
    await b.page.goto(`${stack.gatewayUrl}/#/users`);
    await b.page.getByText('Only an admin of the firm manages users.').waitFor();
    const forced = await b.page.evaluate<number>(`fetch('/v1/firms/${firmId}/users').then((r) => r.status)`);
    expect(forced).toBe(403);
    // The link worked once.
    const again = await b.page.evaluate<number>(
      `fetch('/v1/invitations/accept', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: ${JSON.stringify(decodeURIComponent(link.split('/invitation/')[1]))}, password: 'another passphrase 99' }) }).then((r) => r.status)`,
    );
    expect(again).toBe(404);
    await b.context.close();

    // The admin sees the operator active, with a last sign-in; at phone width as cards.
    await a.page.reload();
    await row.getByText('Active').waitFor();
    await expect(row.textContent()).resolves.not.toContain('Never');
    await shot(a.page, '32-admin-users-active');
    const phone = await visitor(390);
    await signIn(phone.page, admin);
    await phone.page.goto(`${stack.gatewayUrl}/#/users`);
    await phone.page.getByTestId('user-row').filter({ hasText: operator.email }).waitFor();
    await noSidewaysScroll(phone.page);
    await shot(phone.page, '33-phone-admin-users');
    await phone.context.close();
    await a.context.close();
  });

  it('refuses repeated bad sign-ins from one address with a 429 that says when to try again', async () => {
    const { context, page } = await visitor(390);
    await page.goto(`${stack.gatewayUrl}/`);
    const answers: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/v1/sessions') answers.push(r.status());
    });
    for (let i = 0; i <= IP_LIMIT; i++) {
      await page.getByLabel('Email').fill(`guess${i}@console-admin.example`);
      await page.getByLabel('Password').fill(`wrong password ${i}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await expect(page.getByRole('button', { name: 'Sign in' }).isEnabled()).resolves.toBe(true);
    }
    expect(answers).toEqual([...Array<number>(IP_LIMIT).fill(401), 429]);
    const alert = (await page.getByRole('alert').textContent()) ?? '';
    expect(alert).toMatch(
      /Too many failed sign-ins came from your network .*Try again in \d+ (seconds|minutes)\./,
    );
    // Even the right password waits; another address signs in.
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    for (let waited = 0; answers.length < IP_LIMIT + 2 && waited < 100; waited++)
      await page.waitForTimeout(100);
    expect(answers[IP_LIMIT + 1]).toBe(429);
    await page.getByText('Try again in').waitFor();
    await noSidewaysScroll(page);
    await shot(page, '34-phone-sign-in-throttled');
    const other = await visitor();
    await signIn(other.page, admin);
    await other.context.close();
    await context.close();
  });

  it('lists the firm-wide accounts with their health and takes the missing e-sign key', async () => {
    const { context, page } = await visitor();
    await signIn(page, { email: operator.email, password: operator.password });
    await page.getByRole('link', { name: 'Firm accounts' }).click();
    await page.getByRole('heading', { name: 'Firm accounts', level: 1 }).waitFor();
    const items = page.getByTestId('access-item');
    await items.first().waitFor();
    await expect(items.count()).resolves.toBe(2);
    const eri = items.filter({ hasText: "The firm's e-filing (ERI) account" });
    const esign = items.filter({ hasText: "The firm's e-sign account" });
    await eri.getByText('Valid').waitFor();
    await expect(eri.getByTestId('last-checked').textContent()).resolves.toMatch(/^Last checked /);
    await esign.getByText('Not set up').waitFor();
    await expect(esign.textContent()).resolves.not.toContain('/v1/');
    await shot(page, '35-firm-accounts');
    await page.getByLabel('E-sign portal API key').fill('esign-firm-key');
    await page.getByRole('button', { name: 'Save the key' }).click();
    await esign.getByText('Valid').waitFor({ timeout: 30_000 });
    await esign.getByText('The e-sign key is stored').waitFor();
    await expect(page.getByLabel('E-sign portal API key').isVisible()).resolves.toBe(false);
    await shot(page, '36-firm-accounts-saved');
    await context.close();

    const phone = await visitor(390);
    await signIn(phone.page, operator);
    await phone.page.goto(`${stack.gatewayUrl}/#/accounts`);
    await phone.page.getByTestId('access-item').first().waitFor();
    await noSidewaysScroll(phone.page);
    await shot(phone.page, '37-phone-firm-accounts');
    await phone.context.close();
  });
});
