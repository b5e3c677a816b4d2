import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';

// The notice scheduler runs on the server's sweep timer (here every second, on real time).
let server: TestServer;
let ada: TestUser;
let machine: Machine;
let expiring: { id: string; hint: string };

beforeAll(async () => {
  server = await startTestServer({ env: { QONDUIT_SWEEP_INTERVAL_MS: '1000', QONDUIT_PUBLIC_URL: 'https://qonduit.example.com' } });
  ada = await server.signUp({ name: 'Ada Lovelace' });
  const laptop = await ada.createToken({ name: 'laptop', expiresInDays: 90 });
  expiring = await ada.createToken({ name: 'ci', expiresInDays: 7 });
  machine = createMachine({ QONDUIT_URL: server.url });
  await machine.run(['login', '--token', laptop.token]);
  // Wait for the scheduler's first pass.
  const deadline = Date.now() + 10_000;
  while ((await ada.session.notices.list()).items.length === 0) {
    if (Date.now() > deadline) throw new Error('no notice was scheduled');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 30_000);
afterAll(async () => {
  await server?.close();
  machine?.cleanup();
});

describe('qonduit tokens list and notices', () => {
  it('tokens list marks the token that has an expiry notice', async () => {
    const run = await machine.run(['tokens', 'list']);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/ci .*expires soon/);
    const hint = expiring.hint.slice(4);
    expect(run.stderr).toContain(`! Your Qonduit token "ci" (qdp_…${hint}) expires in 7 days`);
    expect(run.stderr).not.toContain('"laptop"');
  });

  it('notices list shows the notice and that no e-mail or webhook carried it', async () => {
    const run = await machine.run(['notices', 'list']);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/expires in 7 days +shown here/);
  });

  it('calendar reset prints the feed URL once; the feed answers text/calendar; remove ends it', async () => {
    const run = await machine.run(['notices', 'calendar', 'reset']);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const url = run.stdout.trim();
    expect(url).toMatch(/^https:\/\/qonduit\.example\.com\/api\/v1\/feeds\/token-expiries\.ics\?feed_token=qdc_/);
    const local = `${server.url}${new URL(url).pathname}${new URL(url).search}`;
    const feed = await fetch(local);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await feed.text()).toContain(`pat-${expiring.id}@qonduit`);
    const shown = await machine.run(['notices', 'calendar', 'show']);
    expect(shown.stdout).toMatch(/^calendar feed qdc_…/);
    expect(shown.stdout).not.toContain(new URL(url).searchParams.get('feed_token') ?? 'never');
    expect((await machine.run(['notices', 'calendar', 'remove'])).code).toBe(EXIT.ok);
    expect((await fetch(local)).status).toBe(404);
  });

  it('webhook set refuses a plain-http URL with a usage-like error and stores nothing', async () => {
    const run = await machine.run(['notices', 'webhook', 'set', 'http://hooks.example.com/x']);
    expect(run.code).not.toBe(EXIT.ok);
    expect(run.stderr).toMatch(/https/);
    const shown = await machine.run(['notices', 'webhook', 'show']);
    expect(shown.code).not.toBe(EXIT.ok);
  });
});
