import { AuthenticationError } from '@qonduit/sdk';
import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_PATH,
  DIST_DIR,
  VIEWPORTS,
  ensureBuilt,
  hasChromium,
  keepForReadme,
  launchBrowser,
  newContext,
  overflowsHorizontally,
  screenshot,
} from './web-ui.harness';
import type { ViewportName } from './web-ui.harness';

// One story, test by test: Ada signs up and makes a token, creates an organization with Vera as
// its viewer and its IonQ token, Vera sees that token read-only and runs a job. Each test
// builds on the ones before it, as a person's session would.

const ci = process.env.CI === 'true' || process.env.CI === '1';
if (!hasChromium) {
  console.warn(`\n[qonduit] ${CHROMIUM_PATH} is missing: the web UI's end-to-end tests are ${ci ? 'FAILING (CI=true)' : 'SKIPPED'}. Install it with: apt-get install chromium\n`);
}

const IONQ_KEY = 'Qx7bR2mN9pLk4vT8wZ3cY6hJ1dF5gS0a';
const PASSWORD = 'correct horse battery staple';
const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
const ORG = 'Quantum Lab';
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

describe.skipIf(!hasChromium && !ci)('web UI end to end (Chromium)', () => {
  let server: TestServer;
  let ionq: FakeIonq;
  let browser: Browser;
  let vera: TestUser;
  let orgId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM_PATH} is missing: .ci/run must install Debian's chromium (apt-get install -y chromium)`);
    await ensureBuilt();
    ionq = await startFakeIonq({ apiKey: IONQ_KEY });
    server = await startTestServer({ env: { QONDUIT_WEB_DIR: DIST_DIR, QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await ionq?.close();
  });

  async function openPage(viewport: ViewportName = 'desktop'): Promise<Page> {
    const context = await newContext(browser, server.url, viewport);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
  }

  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

  let adaPage: Page;

  it('a token created and copied in the UI works with the SDK until it is revoked in the UI', async () => {
    adaPage = await openPage();
    const page = adaPage;
    await page.goto('/signup');
    await page.getByLabel('Name').fill(ada.name);
    await page.getByLabel('Email').fill(ada.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await heading(page, 'Jobs');

    // The seed of the product: the user menu in the top right corner, then Settings → Personal access tokens.
    await page.getByRole('button', { name: 'User menu' }).click();
    await screenshot(page, 'user-menu-desktop', 'window');
    await page.getByRole('list', { name: 'Settings' }).getByRole('link', { name: 'Personal access tokens' }).click();
    await heading(page, 'Personal access tokens');

    await page.getByLabel('Token name').fill('e2e sdk');
    await page.getByRole('checkbox', { name: 'api', exact: true }).check();
    await page.getByRole('checkbox', { name: 'quantum_tokens' }).check();
    await page.getByLabel('Expires').selectOption({ label: '90 days' });
    await page.getByRole('button', { name: 'Create token' }).click();

    await page.getByRole('heading', { name: 'Token “e2e sdk” created' }).waitFor();
    await page.getByText('it will not be shown again').waitFor();
    const shown = await page.getByLabel('Your new personal access token').inputValue();
    expect(shown).toMatch(/^qdp_[0-9A-Za-z]{36}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const token = await page.evaluate(() => navigator.clipboard.readText());
    expect(token).toBe(shown);

    const sdk = server.client({ token });
    expect((await sdk.user.get()).email).toBe(ada.email);
    expect((await sdk.tokens.self()).scopes).toEqual(['api', 'quantum_tokens']);

    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByLabel('Your new personal access token').count()).toBe(0);
    const revoke = page.getByRole('button', { name: 'Revoke e2e sdk' });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke “e2e sdk”?' });
    await screenshot(page, 'revoke-dialog-desktop', 'window');
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /e2e sdk/ }).getByText('revoked').waitFor();

    await expect(sdk.user.get()).rejects.toBeInstanceOf(AuthenticationError);
  }, 60_000);

  it('a confirmation dialog opened from the keyboard takes the focus, closes on Escape and gives it back; a rotated token takes it after', async () => {
    const page = adaPage;
    await page.getByLabel('Token name').fill('keyboard');
    await page.getByRole('checkbox', { name: 'read_api' }).check();
    await page.getByRole('button', { name: 'Create token' }).press('Enter');
    await page.getByRole('button', { name: 'I have copied it' }).press('Enter');

    const rotate = page.getByRole('button', { name: 'Rotate keyboard' });
    await rotate.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Rotate “keyboard”?' });
    await dialog.waitFor();
    // The safe choice has the focus, so a stray Enter cannot rotate (or revoke) anything.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Rotate keyboard');

    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Token “keyboard” rotated' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Token “keyboard” rotated');
    expect(await page.getByLabel('Your new personal access token').inputValue()).toMatch(/^qdp_/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
  }, 30_000);

  it("an organization's viewer sees its IonQ token masked, with no control to change it", async () => {
    const page = adaPage;
    vera = await server.signUp({ name: 'Vera Viewer', email: 'vera@example.com' });

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Organizations' }).click();
    await page.getByLabel('Organization name').fill(ORG);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await heading(page, `${ORG} settings`);
    // The organization's pages are addressed by its slug, not its id.
    const address = decodeURIComponent(new URL(page.url()).pathname.split('/')[2] ?? '');
    expect(address).toBe('quantum-lab');
    const adaApi = server.client();
    await adaApi.auth.login({ email: ada.email, password: PASSWORD });
    orgId = (await adaApi.orgs.list()).items.find((o) => o.slug === address)?.id ?? '';
    expect(orgId).not.toBe('');

    // Inviting answers alike for any e-mail: nobody learns who has an account.
    const invite = page.getByRole('form', { name: 'Invite a member' });
    await invite.getByLabel('Email').fill('nobody@example.com');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await invite.getByText('Invitation sent to nobody@example.com as viewer.').waitFor();
    await page.getByRole('button', { name: 'Revoke the invitation to nobody@example.com' }).click();
    await page.getByRole('row', { name: /nobody@example\.com/ }).waitFor({ state: 'detached' });

    await invite.getByLabel('Email').fill(vera.email);
    await invite.getByLabel('Role').selectOption('viewer');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await page.getByRole('row', { name: /vera@example\.com/ }).waitFor();

    await page.getByRole('button', { name: 'Add IonQ token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add IonQ token' });
    const keyInput = dialog.getByLabel('API key');
    expect(await keyInput.getAttribute('type')).toBe('password');
    expect(await keyInput.inputValue()).toBe('');
    await screenshot(page, 'provider-token-dialog-desktop', 'window');
    await keyInput.fill(IONQ_KEY);
    await dialog.getByRole('button', { name: 'Save token' }).click();
    await dialog.waitFor({ state: 'detached' });
    const ionqRow = page.getByRole('listitem', { name: 'IonQ' });
    await ionqRow.getByText(`••••${IONQ_KEY.slice(-4)}`).waitFor();
    await ionqRow.getByRole('button', { name: 'Check IonQ token now' }).click();
    await ionqRow.getByText('The provider accepted the token.').waitFor();

    // Vera signs in on her own browser and switches to the organization.
    const veraPage = await openPage();
    await signIn(veraPage, vera.email);
    // She joins by accepting the invitation, on the organizations page.
    await veraPage.goto('/settings/organizations');
    await veraPage.getByRole('button', { name: `Accept the invitation to ${ORG}` }).click();
    await heading(veraPage, `${ORG} settings`);
    await veraPage.getByLabel('Account').selectOption({ label: `${ORG} (viewer)` });
    await veraPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
    await heading(veraPage, `${ORG} settings`);
    await veraPage.getByText(`only owners and maintainers of ${ORG} can. Your role is viewer.`).waitFor();
    const veraIonq = veraPage.getByRole('listitem', { name: 'IonQ' });
    await veraIonq.getByText(`••••${IONQ_KEY.slice(-4)}`).waitFor();
    expect(await veraIonq.getByRole('button').count()).toBe(0);
    expect(await veraPage.getByRole('listitem', { name: 'IBM Quantum' }).getByRole('button').count()).toBe(0);
    expect(await veraPage.getByRole('form', { name: 'Invite a member' }).count()).toBe(0);
    expect(await veraPage.getByRole('combobox', { name: /^Role of/ }).count()).toBe(0);
    expect(await veraPage.locator('input[type="password"]').count()).toBe(0);
    expect(await veraPage.content()).not.toContain(IONQ_KEY);
    await screenshot(veraPage, 'org-settings-viewer-desktop');
  }, 60_000);

  it("a Bell circuit run from the jobs page shows its counts, for the organization's account", async () => {
    const page = await openPage();
    await signIn(page, vera.email);
    // The switcher's choice outlives a new sign-in on the same browser; this is a new one.
    await page.getByLabel('Account').selectOption({ label: `${ORG} (viewer)` });
    await page.getByText(`Quantum jobs of the organization ${ORG}`).waitFor();
    await page.getByLabel('Backend').selectOption('local.simulator');
    await page.getByLabel('Name (optional)').fill('bell pair');
    await page.getByRole('button', { name: 'Run circuit' }).click();

    const counts = page.getByRole('table', { name: /Measurement counts/ });
    await counts.waitFor({ timeout: 20_000 });
    const outcomes = await counts.locator('tbody th').allTextContents();
    expect(outcomes.sort()).toEqual(['00', '11']);
    const values = await counts.locator('tbody .counts-value').allTextContents();
    const total = values.map((v) => Number(v.split(' ')[0]?.replace(/\D/g, ''))).reduce((a, b) => a + b, 0);
    expect(total).toBe(1000);
    await page.getByRole('row', { name: /bell pair/ }).getByText('completed').waitFor();
    await screenshot(page, 'jobs-org-result-desktop');
    // The job is the organization's: every member sees it in the organization's list.
    const orgJobs = await vera.session.withOrganization(orgId).jobs.list();
    expect(orgJobs.map((j) => [j.name, j.status])).toContainEqual(['bell pair', 'COMPLETED']);
  }, 60_000);

  it('every page fits a 390-pixel-wide phone screen, and each is photographed at both sizes', async () => {
    // Ada's own IonQ token too, so that her provider-token page shows a set and a checked row.
    const adaSdk = server.client();
    await adaSdk.auth.login({ email: ada.email, password: PASSWORD });
    await adaSdk.providerTokens.set('ionq', { api_key: IONQ_KEY });
    await adaSdk.providerTokens.verify('ionq');
    await adaSdk.tokens.create({ name: 'laptop CLI', scopes: ['api'], expires_at: new Date(Date.now() + 5 * 86_400_000).toISOString() });
    await adaSdk.jobs.run(BELL, { backend: 'local.simulator', shots: 1000, name: 'bell pair' });
    await adaSdk.tokens.create({ name: 'nightly job', scopes: ['api', 'quantum_tokens'], expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString() });

    const pages: ReadonlyArray<{ name: string; path: string; title: string; signedIn: boolean }> = [
      { name: 'login', path: '/login', title: 'Sign in', signedIn: false },
      { name: 'signup', path: '/signup', title: 'Create your account', signedIn: false },
      { name: 'jobs', path: '/jobs', title: 'Jobs', signedIn: true },
      { name: 'tokens', path: '/settings/tokens', title: 'Personal access tokens', signedIn: true },
      { name: 'provider-tokens', path: '/settings/provider-tokens', title: 'Provider access tokens', signedIn: true },
      { name: 'organizations', path: '/settings/organizations', title: 'Organizations', signedIn: true },
      { name: 'org-settings', path: `/orgs/${orgId}/settings`, title: `${ORG} settings`, signedIn: true },
      { name: 'audit-log', path: '/settings/audit-log', title: 'Audit log', signedIn: true },
      { name: 'org-audit-log', path: `/orgs/${orgId}/audit-log`, title: `${ORG} audit log`, signedIn: true },
    ];
    const overflowing: string[] = [];
    for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
      const anonymous = await openPage(viewport);
      const signedIn = await openPage(viewport);
      await signIn(signedIn, ada.email);
      for (const spec of pages) {
        const page = spec.signedIn ? signedIn : anonymous;
        await page.goto(spec.path);
        await page.getByRole('heading', { level: 1, name: spec.title }).waitFor();
        await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0);
        const file = await screenshot(page, `${spec.name}-${viewport}`);
        if (viewport === 'phone' && (await overflowsHorizontally(page))) overflowing.push(spec.name);
        if ((spec.name === 'tokens' && viewport === 'desktop') || (spec.name === 'provider-tokens' && viewport === 'phone')) keepForReadme(file);
      }
    }
    expect(overflowing).toEqual([]);
  }, 90_000);

  it("the user menu leads to the API reference, the server's own page", async () => {
    const page = await openPage();
    await signIn(page, ada.email);
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.locator('.user-menu-panel').getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(/\/docs\/?$/, { waitUntil: 'domcontentloaded' });
    expect(await page.title()).toBe('Qonduit API reference');
  }, 60_000);
});
