import type { Role } from '@qonduit/sdk';
import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH, DIST_DIR, SCREENSHOT_DIR, ensureBuilt, hasChromium, keepForReadme, launchBrowser, newContext, overflowsHorizontally, screenshot } from './web-ui.harness';

// Spending limits in the web UI (issue 16): a maintainer sets a limit on the organization's
// IonQ token on its settings page, a viewer's job form shows the estimated cost and then the
// refusal with the limit's message, and the usage section is photographed in both themes.

const ci = process.env.CI === 'true' || process.env.CI === '1';
if (!hasChromium) {
  console.warn(`\n[qonduit] ${CHROMIUM_PATH} is missing: the spending limit end-to-end tests are ${ci ? 'FAILING (CI=true)' : 'SKIPPED'}.\n`);
}

const IONQ_KEY = 'Usage3nQ7wLm2vX9tB4cY1hJ6dF0gS5a';
const ORG = 'Photon Works';
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

describe.skipIf(!hasChromium && !ci)('spending limits and usage in the web UI (Chromium)', () => {
  let server: TestServer;
  let ionq: FakeIonq;
  let browser: Browser;
  let owner: TestUser;
  let maintainer: TestUser;
  let viewer: TestUser;
  let orgId = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true and ${CHROMIUM_PATH} is missing: .ci/run must install Debian's chromium (apt-get install -y chromium)`);
    await ensureBuilt();
    ionq = await startFakeIonq({ apiKey: IONQ_KEY });
    server = await startTestServer({ env: { QONDUIT_WEB_DIR: DIST_DIR, QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
    browser = await launchBrowser();
    owner = await server.signUp({ name: 'Olga Owner', email: 'olga.usage@example.com' });
    maintainer = await server.signUp({ name: 'Max Maintainer', email: 'max.usage@example.com' });
    viewer = await server.signUp({ name: 'Vera Viewer', email: 'vera.usage@example.com' });
    orgId = (await owner.session.orgs.create({ name: ORG })).id;
    await join(maintainer, 'maintainer');
    await join(viewer, 'viewer');
    await owner.session.providerTokens.set('ionq', { api_key: IONQ_KEY }, { org: orgId });
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    await ionq?.close();
  });

  async function join(member: TestUser, role: Role): Promise<void> {
    const answer: unknown = await owner.session.orgs.members.add(orgId, { email: member.email, role });
    const invitation = (answer as { invitation?: { id?: unknown } }).invitation;
    if (typeof invitation?.id !== 'string') return;
    const { token } = await member.createToken({ scopes: ['api'], name: 'joins' });
    const accepted = await fetch(`${server.url}/api/v1/user/invitations/${encodeURIComponent(invitation.id)}/accept`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (!accepted.ok) throw new Error(`accepting the invitation failed: ${accepted.status} ${await accepted.text()}`);
  }

  /** Jobs on the organization's IonQ token, submitted as a member would through the API. */
  async function submitAs(member: TestUser, backend: string, shots: number): Promise<void> {
    const { token } = await member.createToken({ scopes: ['quantum_tokens'], name: `jobs ${backend} ${shots}` });
    const res = await fetch(`${server.url}/quantum/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-organizationid': orgId, 'content-type': 'application/json' },
      body: JSON.stringify({ backend_id: backend, shots, input_format: 'OPEN_QASM_V3', input: BELL }),
    });
    if (res.status !== 201) throw new Error(`submission failed: ${res.status} ${await res.text()}`);
  }

  async function signedInPage(user: TestUser, viewport: 'desktop' | 'phone' = 'desktop'): Promise<Page> {
    const context = await newContext(browser, server.url, viewport);
    contexts.push(context);
    const p = await context.newPage();
    await p.goto('/login');
    await p.getByLabel('Email').fill(user.email);
    await p.getByLabel('Password').fill(user.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    return p;
  }

  const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name }).waitFor();
  const settled = (p: Page) => p.waitForFunction(() => document.querySelectorAll('.loading').length === 0);

  it("a maintainer sets a limit on the organization's IonQ token on its settings page", async () => {
    const page = await signedInPage(maintainer);
    await page.goto(`/orgs/${orgId}/settings`);
    await heading(page, `${ORG} settings`);
    const form = page.getByRole('form', { name: 'Spending limits' });
    await form.getByLabel('Provider token').selectOption({ label: 'IonQ' });
    await form.getByLabel('Jobs per member').fill('1');
    await form.getByLabel('Cost, whole organization (USD)').fill('250');
    await form.getByRole('button', { name: 'Save limits' }).click();
    await form.getByRole('status').getByText('Saved the limits on IonQ.').waitFor();
    expect(await owner.session.orgs.spendingLimits.get(orgId, 'ionq')).toMatchObject({ member_jobs_per_month: 1, org_cost_per_month: 250, member_shots_per_month: null });
  }, 60_000);

  it("a viewer's job form shows the estimate, and the job past the limit is refused with the limit's message", async () => {
    await submitAs(viewer, 'ionq.simulator', 100);
    const page = await signedInPage(viewer);
    await page.getByLabel('Account').selectOption({ label: `${ORG} (viewer)` });
    await page.getByText(`Quantum jobs of the organization ${ORG}`).waitFor();
    const form = page.getByRole('form', { name: 'Run a circuit' });
    await form.getByLabel('Backend').selectOption('ionq.qpu.aria-1');
    await form.getByLabel('Shots').fill('100');
    await form.getByTestId('cost-estimate').getByText(/Estimated cost: \$3\.30 USD \(\$0\.3 per task \+ \$0\.03 per shot/).waitFor();
    await form.getByText(/This job would be refused: This job would pass the organization's limit of 1 job per member per month on its IonQ token/).waitFor();
    await form.getByRole('button', { name: 'Run circuit' }).click();
    const alert = form.getByRole('alert');
    await alert.getByText(/This job would pass the organization's limit of 1 job per member per month on its IonQ token \(you have used 1 job in \d{4}-\d{2}; this job adds 1 job\); the limit resets at \d{4}-\d{2}-01T00:00:00\.000Z/).waitFor();
    await screenshot(page, 'job-refused-by-spending-limit', 'window');
  }, 60_000);

  it('the usage section charts the month per member and provider, in the light and the dark theme', async () => {
    await submitAs(maintainer, 'ionq.qpu.aria-1', 400);
    await submitAs(owner, 'ionq.qpu.aria-1', 250);
    const overflowing: string[] = [];
    for (const viewport of ['desktop', 'phone'] as const) {
      const p = await signedInPage(owner, viewport);
      for (const scheme of ['light', 'dark'] as const) {
        await p.emulateMedia({ colorScheme: scheme });
        await p.goto(`/orgs/${orgId}/settings`);
        await heading(p, `${ORG} settings`);
        const section = p.getByRole('region', { name: 'Spending and limits' });
        await section.getByRole('meter', { name: 'IonQ estimated cost' }).waitFor();
        await section.getByRole('row', { name: /Max Maintainer/ }).getByText('400 shots').waitFor();
        await settled(p);
        // The section itself: the page above it (members, provider tokens) has screenshots of its own.
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const file = path.join(SCREENSHOT_DIR, viewport === 'desktop' ? `org-usage-${scheme}.png` : `org-usage-${scheme}-phone.png`);
        // A clip of the whole page, so that the sticky top bar does not cover the section.
        await p.evaluate(() => window.scrollTo(0, 0));
        const box = await section.boundingBox();
        if (!box) throw new Error('the section has no box');
        await p.screenshot({ path: file, fullPage: true, clip: box });
        if (viewport === 'desktop') keepForReadme(file);
        if (await overflowsHorizontally(p)) overflowing.push(`${scheme}-${viewport}`);
      }
    }
    expect(overflowing).toEqual([]);
    const usage = await viewer.session.orgs.usage(orgId);
    expect(usage.providers).toEqual([expect.objectContaining({ provider: 'ionq', jobs: 3, shots: 750, estimated_cost: 20.1 })]);
  }, 120_000);
});
