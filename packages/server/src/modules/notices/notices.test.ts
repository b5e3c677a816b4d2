import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDb } from '@qonduit/db/testing';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { browserFrom, createPat, createTestAppOn, signUp, withToken } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { hookSink, smtpSink } from './notice-test-servers';
import type { HookSink, SmtpSink } from './notice-test-servers';

const DAY = 86_400_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function smtpEnv(port: number): Record<string, string> {
  return { QONDUIT_SMTP_URL: `smtp://127.0.0.1:${port}`, QONDUIT_SMTP_FROM: 'Qonduit <noreply@qonduit.test>', QONDUIT_PUBLIC_URL: 'https://qonduit.example.com', QONDUIT_WEBHOOK_ALLOW_PRIVATE: 'true' };
}

async function oneApp(env: Record<string, string>): Promise<TestApp> {
  const database = await createTestDb();
  const t = await createTestAppOn(database, { startWorker: false }, env);
  cleanups.push(() => t.close());
  return t;
}

async function sink(): Promise<SmtpSink> {
  const s = await smtpSink();
  await s.start();
  cleanups.push(() => s.stop());
  return s;
}

async function hooks(): Promise<HookSink> {
  const h = await hookSink();
  cleanups.push(() => h.close());
  return h;
}

/** Signs in again: weeks pass in these tests, and a web session lasts two. */
async function again(t: TestApp, who: Browser): Promise<Browser> {
  const res = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: who.email, password: 'correct horse battery staple' } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return browserFrom(t, res, who.email);
}

describe('expiry notices by e-mail', () => {
  it('each notice is delivered exactly once per token and threshold, across two servers on one database', async () => {
    const smtp = await sink();
    const env = smtpEnv(smtp.port);
    const database = await createTestDb();
    const a = await createTestAppOn(database, { startWorker: false }, env);
    // On PostgreSQL a second pool, as another process has; SQLite is served by one process, so
    // there the two servers share its connection (each still with its own leases and timers).
    const second = process.env.QONDUIT_TEST_DB === 'postgres' ? { ...database, ...database.connectAgain() } : database;
    const b = await createTestAppOn({ ...second, cleanup: async () => undefined }, { startWorker: false }, env);
    cleanups.push(async () => {
      await b.close();
      await a.close();
    });
    const ada = await signUp(a, 'Ada Lovelace');
    const month = await createPat(a, ada, { name: 'deploy', expiresInDays: 30 });
    const week = await createPat(a, ada, { name: 'ci', expiresInDays: 7 });
    const day = await createPat(a, ada, { name: 'nightly', expiresInDays: 1 });
    await createPat(a, ada, { name: 'long', expiresInDays: 90 });

    // Both servers schedule and deliver at once, twice over.
    await Promise.all([a.app.notices.scan(), b.app.notices.scan(), a.app.notices.scan(), b.app.notices.scan()]);
    await Promise.all([a.app.notices.deliver(), b.app.notices.deliver(), a.app.notices.deliver(), b.app.notices.deliver()]);
    await Promise.all([a.app.notices.deliver(), b.app.notices.deliver()]);
    expect(smtp.mails).toHaveLength(3);
    const parsed = await Promise.all(smtp.mails.map((m) => simpleParser(m.raw)));
    expect(new Set(parsed.map((m) => m.headers.get('x-qonduit-notice'))).size).toBe(3);
    expect(parsed.map((m) => m.subject).sort()).toEqual([
      `Your Qonduit token "ci" (qdp_…${week.token.slice(-4)}) expires in 7 days`,
      `Your Qonduit token "deploy" (qdp_…${month.token.slice(-4)}) expires in 30 days`,
      `Your Qonduit token "nightly" (qdp_…${day.token.slice(-4)}) expires in 1 day`,
    ]);
    for (const [i, mail] of parsed.entries()) {
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((v) => v.address) : []).toEqual([ada.email]);
      expect(mail.from?.value[0]?.address).toBe('noreply@qonduit.test');
      expect(mail.text).toContain('https://qonduit.example.com/settings/tokens');
      // No secret in a notice: only the hint's last four characters.
      for (const secret of [month.token, week.token, day.token]) {
        expect(smtp.mails[i]?.raw).not.toContain(secret.slice(4, 20));
        expect(mail.text).not.toContain(secret.slice(4, 20));
      }
    }

    // Six days on: "ci" is a day from expiry (a new threshold); "deploy" is still in its 30-day window.
    a.clock.advance(6 * DAY);
    b.clock.advance(6 * DAY);
    await Promise.all([a.app.notices.scan(), b.app.notices.scan()]);
    await Promise.all([a.app.notices.deliver(), b.app.notices.deliver()]);
    expect(smtp.mails).toHaveLength(4);
    expect((await simpleParser(smtp.mails[3]?.raw ?? '')).subject).toBe(`Your Qonduit token "ci" (qdp_…${week.token.slice(-4)}) expires in 1 day`);

    const listed = await (await again(a, ada)).request({ method: 'GET', url: '/api/v1/user/notices' });
    expect(listed.statusCode).toBe(200);
    const items = listed.json<{ items: Array<{ token_id: string; threshold_days: number; deliveries: Array<{ status: string; attempts: number }> }> }>().items;
    expect(items.map((n) => `${n.token_id}:${n.threshold_days}`).sort()).toEqual([`${day.id}:1`, `${month.id}:30`, `${week.id}:1`, `${week.id}:7`].sort());
    expect(items.every((n) => n.deliveries.length === 1 && n.deliveries[0]?.status === 'sent' && n.deliveries[0].attempts === 1)).toBe(true);

    // A run of the test may keep one e-mail as received, for the docs.
    const keep = process.env.QONDUIT_SAVE_NOTICE_EML;
    if (keep && process.env.QONDUIT_TEST_DB !== 'postgres') {
      mkdirSync(path.dirname(keep), { recursive: true });
      const example = smtp.mails[parsed.findIndex((m) => m.subject?.includes('"ci"'))];
      writeFileSync(keep, example?.raw ?? '');
    }
  });

  it('a notice queued while the mail server is down is delivered once it is back, and the failure shows meanwhile', async () => {
    const smtp = await smtpSink();
    cleanups.push(() => smtp.stop());
    const t = await oneApp(smtpEnv(smtp.port));
    const ada = await signUp(t);
    await createPat(t, ada, { name: 'ci', expiresInDays: 7 });

    await t.app.notices.scan();
    expect(await t.app.notices.deliver()).toEqual({ sent: 0, failed: 1 });
    const pending = (await ada.request({ method: 'GET', url: '/api/v1/user/notices' })).json<{ items: Array<{ deliveries: Array<{ channel: string; status: string; attempts: number; last_error: string | null; next_attempt_at: string | null }> }> }>();
    const delivery = pending.items[0]?.deliveries[0];
    expect(delivery).toMatchObject({ channel: 'email', status: 'pending', attempts: 1 });
    expect(delivery?.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(delivery?.next_attempt_at).toBe(new Date(t.clock.now().getTime() + 60_000).toISOString());

    await smtp.start();
    // Not before its backoff has passed.
    expect(await t.app.notices.deliver()).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(60_000);
    expect(await t.app.notices.deliver()).toEqual({ sent: 1, failed: 0 });
    expect(await t.app.notices.deliver()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(1);
    const sent = (await ada.request({ method: 'GET', url: '/api/v1/user/notices' })).json<{ items: Array<{ deliveries: Array<{ status: string; attempts: number }> }> }>();
    expect(sent.items[0]?.deliveries[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a token name with a line break cannot add a header; notices are deleted after 400 days', async () => {
    const smtp = await sink();
    const t = await oneApp(smtpEnv(smtp.port));
    const ada = await signUp(t);
    const res = await ada.request({ method: 'POST', url: '/api/v1/user/tokens', payload: { name: 'ci\r\nBcc: mallory@example.com', scopes: ['api'], expires_at: new Date(t.clock.now().getTime() + 7 * DAY).toISOString() } });
    expect(res.statusCode).toBe(201);
    await t.app.notices.scan();
    await t.app.notices.deliver();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual([ada.email]);
    const mail = await simpleParser(smtp.mails[0]?.raw ?? '');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.subject).toMatch(/^Your Qonduit token "ci Bcc: mallory@example.com" \(qdp_….{4}\) expires in 7 days$/);

    t.clock.advance(401 * DAY);
    await t.app.notices.scan();
    expect(await t.db.selectFrom('token_notices').selectAll().execute()).toEqual([]);
    expect(await t.db.selectFrom('notice_deliveries').selectAll().execute()).toEqual([]);
  });

  it('a notice about a token revoked before it went out is not sent', async () => {
    const smtp = await sink();
    const t = await oneApp(smtpEnv(smtp.port));
    const ada = await signUp(t);
    const pat = await createPat(t, ada, { expiresInDays: 7 });
    await t.app.notices.scan();
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${pat.id}` })).statusCode).toBe(204);
    expect(await t.app.notices.deliver()).toEqual({ sent: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(0);
    const listed = (await ada.request({ method: 'GET', url: '/api/v1/user/notices' })).json<{ items: Array<{ deliveries: Array<{ status: string; last_error: string }> }> }>();
    expect(listed.items[0]?.deliveries[0]).toMatchObject({ status: 'failed', last_error: 'not sent: the token was revoked or has expired meanwhile' });
  });

  it("an organization's provider token that failed its check is noticed to its owners and maintainers, not its viewers", async () => {
    const smtp = await sink();
    const t = await oneApp(smtpEnv(smtp.port));
    const owner = await signUp(t, 'Olga Owner');
    const maintainer = await signUp(t, 'Max Maintainer');
    const viewer = await signUp(t, 'Vera Viewer');
    const org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Quantum Lab' } })).json<{ id: string }>().id;
    const { addMember } = await import('../../test/harness');
    await addMember(owner, org, maintainer, 'maintainer');
    await addMember(owner, org, viewer, 'viewer');
    const put = await owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: 'NoticeIonQKey0123456789abcdefghi' } } });
    expect(put.statusCode).toBeLessThan(300);
    await t.db.updateTable('provider_tokens').set({ status: 'invalid', checked_at: t.clock.now().toISOString(), check_message: 'IonQ rejected the key' }).where('account_id', '=', org).execute();

    await t.app.notices.scan();
    await t.app.notices.scan();
    await t.app.notices.deliver();
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual([maintainer.email, owner.email].sort());
    expect(smtp.mails[0]?.raw).not.toContain('NoticeIonQKey0123456789');

    expect((await maintainer.request({ method: 'GET', url: `/api/v1/orgs/${org}/notices` })).json<{ items: unknown[] }>().items).toHaveLength(1);
    expect((await viewer.request({ method: 'GET', url: `/api/v1/orgs/${org}/notices` })).statusCode).toBe(403);
    const stranger = await signUp(t, 'Sam Stranger');
    expect((await stranger.request({ method: 'GET', url: `/api/v1/orgs/${org}/notices` })).statusCode).toBe(404);
  });
});

describe('expiry notices by webhook', () => {
  function verify(secret: string, signature: string, body: string): boolean {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
    if (!match) return false;
    const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
    return expected === match[2];
  }

  it('posts each notice signed (HMAC-SHA256 over timestamp.body), retries with backoff under the same delivery id', async () => {
    const hook = await hooks();
    const t = await oneApp({ QONDUIT_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const ada = await signUp(t);
    const set = await ada.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url: hook.url } });
    expect(set.statusCode).toBe(200);
    const { secret, secret_hint } = set.json<{ secret: string; secret_hint: string }>();
    expect(secret).toMatch(/^qdw_/);
    expect(secret_hint).toBe(`qdw_…${secret.slice(-4)}`);
    const shown = await ada.request({ method: 'GET', url: '/api/v1/user/notice-webhook' });
    expect(shown.json()).toEqual({ url: hook.url, secret_hint, created_at: t.clock.now().toISOString() });
    expect(shown.body).not.toContain(secret);
    const row = await t.db.selectFrom('notice_webhooks').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(secret);

    const pat = await createPat(t, ada, { name: 'ci', expiresInDays: 7 });
    hook.answers.push(500);
    await t.app.notices.scan();
    expect(await t.app.notices.deliver()).toEqual({ sent: 0, failed: 1 });
    t.clock.advance(60_000);
    expect(await t.app.notices.deliver()).toEqual({ sent: 1, failed: 0 });
    expect(hook.requests).toHaveLength(2);
    const [first, second] = hook.requests;
    expect(first?.headers['x-qonduit-delivery']).toBe(second?.headers['x-qonduit-delivery']);
    for (const request of hook.requests) {
      expect(verify(secret, String(request.headers['x-qonduit-signature']), request.body)).toBe(true);
      expect(verify(`${secret}x`, String(request.headers['x-qonduit-signature']), request.body)).toBe(false);
      expect(request.body).not.toContain(pat.token);
    }
    const body = JSON.parse(second?.body ?? '{}') as { id: string; type: string; token: { id: string; name: string; hint: string } };
    expect(body).toMatchObject({ id: second?.headers['x-qonduit-delivery'], type: 'token.pat_expiring', token: { id: pat.id, name: 'ci', hint: `qdp_…${pat.token.slice(-4)}` } });
    // The signature's timestamp is the app's clock.
    expect(String(second?.headers['x-qonduit-signature'])).toContain(`t=${Math.floor(t.clock.now().getTime() / 1000)},`);
  });

  it('never follows a redirect: the delivery fails and says so', async () => {
    const hook = await hooks();
    const t = await oneApp({ QONDUIT_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const ada = await signUp(t);
    await ada.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url: hook.url } });
    await createPat(t, ada, { expiresInDays: 1 });
    hook.answers.push(302);
    await t.app.notices.scan();
    expect(await t.app.notices.deliver()).toEqual({ sent: 0, failed: 1 });
    expect(hook.requests.map((r) => r.path)).toEqual(['/hook']);
    const notices = (await ada.request({ method: 'GET', url: '/api/v1/user/notices' })).json<{ items: Array<{ deliveries: Array<{ last_error: string }> }> }>();
    expect(notices.items[0]?.deliveries[0]?.last_error).toMatch(/HTTP 302; redirects are not followed/);
  });

  it('refuses webhook URLs that are not https or that point at private, loopback or link-local addresses', async () => {
    const t = await oneApp({});
    const ada = await signUp(t);
    for (const url of [
      'http://hooks.example.com/x',
      'ftp://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://localhost/x',
      'https://10.1.2.3/x',
      'https://192.168.0.10/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://user:pw@hooks.example.com/x',
      `https://hooks.example.com/${'a'.repeat(2000)}`,
    ]) {
      const res = await ada.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
    }
    expect(await t.db.selectFrom('notice_webhooks').selectAll().execute()).toEqual([]);
    const ok = await ada.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url: 'https://hooks.example.com/qonduit' } });
    expect(ok.statusCode).toBe(200);
  });

  it("only owners and maintainers set an organization's webhook; a read_api token cannot set one", async () => {
    const t = await oneApp({});
    const owner = await signUp(t, 'Olga Owner');
    const viewer = await signUp(t, 'Vera Viewer');
    const org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Hook Lab' } })).json<{ id: string }>().id;
    const { addMember } = await import('../../test/harness');
    await addMember(owner, org, viewer, 'viewer');
    const url = 'https://hooks.example.com/lab';
    expect((await viewer.request({ method: 'PUT', url: `/api/v1/orgs/${org}/notice-webhook`, payload: { url } })).statusCode).toBe(403);
    expect((await owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/notice-webhook`, payload: { url } })).statusCode).toBe(200);
    expect((await viewer.request({ method: 'GET', url: `/api/v1/orgs/${org}/notice-webhook` })).statusCode).toBe(403);
    expect((await viewer.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/notice-webhook` })).statusCode).toBe(403);
    const reader = await createPat(t, owner, { scopes: ['read_api'] });
    expect((await t.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', headers: withToken(reader.token), payload: { url } })).statusCode).toBe(403);
    expect((await owner.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url, extra: 1 } })).statusCode).toBe(400);
    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/notice-webhook` })).statusCode).toBe(204);
    expect((await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${org}/notice-webhook` })).statusCode).toBe(404);
  });
});

describe('inactive tokens retired', () => {
  it('are left alone while the setting is off', async () => {
    const t = await oneApp({});
    const ada = await signUp(t);
    const pat = await createPat(t, ada, { expiresInDays: 365 });
    t.clock.advance(300 * DAY);
    expect(await t.app.notices.scan()).toEqual({ created: 0, revoked: 0 });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) })).statusCode).toBe(200);
  });

  it('with QONDUIT_TOKEN_INACTIVE_DAYS, an unused token gets a notice first and is revoked (audited, by the system) a week later', async () => {
    const t = await oneApp({ QONDUIT_TOKEN_INACTIVE_DAYS: '30' });
    const ada = await signUp(t);
    const idle = await createPat(t, ada, { name: 'idle', expiresInDays: 365 });
    const busy = await createPat(t, ada, { name: 'busy', expiresInDays: 365 });
    t.clock.advance(24 * DAY);
    await t.db.updateTable('personal_access_tokens').set({ last_used_at: t.clock.now().toISOString() }).where('id', '=', busy.id).execute();
    expect(await t.app.notices.scan()).toEqual({ created: 1, revoked: 0 });
    const notices = (await (await again(t, ada)).request({ method: 'GET', url: '/api/v1/user/notices' })).json<{ items: Array<{ kind: string; token_id: string; expires_at: string }> }>().items;
    expect(notices).toEqual([expect.objectContaining({ kind: 'pat_inactive', token_id: idle.id, expires_at: new Date(t.clock.now().getTime() + 7 * DAY).toISOString() })]);

    // Thirty days unused, but the notice is six days old: not yet.
    t.clock.advance(6 * DAY);
    expect(await t.app.notices.scan()).toEqual({ created: 0, revoked: 0 });
    t.clock.advance(1 * DAY);
    expect(await t.app.notices.scan()).toEqual({ created: 0, revoked: 1 });
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(idle.token) })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/v1/user', headers: withToken(busy.token) })).statusCode).toBe(200);
    const audit = await t.db.selectFrom('audit_events').selectAll().where('action', '=', 'personal_access_token.revoked_inactive').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target_id: idle.id, actor_user_id: null, account_id: ada.userId });
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ actor: 'system', inactive_days: 30 });
  });

  it('expired and revoked tokens leave the list after the retention period, and stay in the audit log', async () => {
    const t = await oneApp({ QONDUIT_TOKEN_LIST_RETENTION_DAYS: '30' });
    const ada = await signUp(t);
    const gone = await createPat(t, ada, { name: 'gone', expiresInDays: 90 });
    const short = await createPat(t, ada, { name: 'short', expiresInDays: 5 });
    const kept = await createPat(t, ada, { name: 'kept', expiresInDays: 90 });
    expect((await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${gone.id}` })).statusCode).toBe(204);
    const names = async () => (await (await again(t, ada)).request({ method: 'GET', url: '/api/v1/user/tokens' })).json<{ items: Array<{ name: string }> }>().items.map((i) => i.name).sort();
    t.clock.advance(29 * DAY);
    expect(await names()).toEqual(['gone', 'kept', 'short']);
    t.clock.advance(2 * DAY);
    expect(await names()).toEqual(['kept', 'short']);
    t.clock.advance(4 * DAY);
    expect(await names()).toEqual(['kept']);
    expect((await (await again(t, ada)).request({ method: 'GET', url: `/api/v1/user/tokens/${short.id}` })).statusCode).toBe(200);
    const events = await t.db.selectFrom('audit_events').select('target_id').where('target_id', '=', gone.id).execute();
    expect(events.length).toBeGreaterThan(0);
    expect(kept.id).toBeTruthy();
  });
});

describe('the iCalendar feed', () => {
  it('lists the live tokens\' expiries, parses as iCalendar, and answers only its current feed token', async () => {
    const ICAL = (await import('ical.js')).default;
    const t = await oneApp({ QONDUIT_PUBLIC_URL: 'https://qonduit.example.com' });
    const ada = await signUp(t);
    const week = await createPat(t, ada, { name: 'ci', expiresInDays: 7 });
    const year = await createPat(t, ada, { name: 'deploy', expiresInDays: 200 });
    const revoked = await createPat(t, ada, { name: 'old', expiresInDays: 20 });
    await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${revoked.id}` });
    const bob = await signUp(t, 'Bob');
    await createPat(t, bob, { name: 'bobs', expiresInDays: 3 });

    expect((await ada.request({ method: 'GET', url: '/api/v1/user/calendar-feed' })).statusCode).toBe(404);
    const made = await ada.request({ method: 'PUT', url: '/api/v1/user/calendar-feed' });
    expect(made.statusCode).toBe(200);
    const { url, feed_token } = made.json<{ url: string; feed_token: string }>();
    expect(url).toBe(`https://qonduit.example.com/api/v1/feeds/token-expiries.ics?feed_token=${feed_token}`);
    const stored = await t.db.selectFrom('calendar_feeds').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(feed_token);

    const feed = await t.request({ method: 'GET', url: `/api/v1/feeds/token-expiries.ics?feed_token=${encodeURIComponent(feed_token)}` });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(feed.body) as unknown[]);
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const byUid = Object.fromEntries(events.map((e) => [e.uid, e]));
    expect(Object.keys(byUid).sort()).toEqual([`pat-${week.id}@qonduit`, `pat-${year.id}@qonduit`].sort());
    expect(byUid[`pat-${week.id}@qonduit`]?.startDate.toJSDate().toISOString()).toBe(new Date(t.clock.now().getTime() + 7 * DAY).toISOString());
    expect(byUid[`pat-${year.id}@qonduit`]?.startDate.toJSDate().toISOString()).toBe(new Date(t.clock.now().getTime() + 200 * DAY).toISOString());
    expect(byUid[`pat-${week.id}@qonduit`]?.summary).toBe(`Qonduit token "ci" (qdp_…${week.token.slice(-4)}) expires`);
    expect(feed.body).not.toContain(week.token);

    // Reset: the old URL stops working; a wrong or malformed token answers the same 404.
    const reset = (await ada.request({ method: 'PUT', url: '/api/v1/user/calendar-feed' })).json<{ feed_token: string }>();
    expect(reset.feed_token).not.toBe(feed_token);
    for (const token of [feed_token, 'qdc_nope', 'x']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/feeds/token-expiries.ics?feed_token=${encodeURIComponent(token)}` });
      expect(res.statusCode).toBe(404);
    }
    expect((await t.request({ method: 'GET', url: '/api/v1/feeds/token-expiries.ics' })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: `/api/v1/feeds/token-expiries.ics?feed_token=${encodeURIComponent(reset.feed_token)}` })).statusCode).toBe(200);
    expect(t.logLines.join('\n')).not.toContain(reset.feed_token);
    expect(t.logLines.join('\n')).not.toContain(feed_token);

    expect((await ada.request({ method: 'DELETE', url: '/api/v1/user/calendar-feed' })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `/api/v1/feeds/token-expiries.ics?feed_token=${encodeURIComponent(reset.feed_token)}` })).statusCode).toBe(404);
  });

  it("shows an organization's failed provider tokens to its maintainers, not its viewers", async () => {
    const ICAL = (await import('ical.js')).default;
    const t = await oneApp({});
    const owner = await signUp(t, 'Olga Owner');
    const viewer = await signUp(t, 'Vera Viewer');
    const org = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Feed Lab' } })).json<{ id: string }>().id;
    const { addMember } = await import('../../test/harness');
    await addMember(owner, org, viewer, 'viewer');
    await owner.request({ method: 'PUT', url: `/api/v1/orgs/${org}/provider-tokens/ionq`, payload: { credentials: { api_key: 'FeedIonQKey0123456789abcdefghijk' } } });
    await t.db.updateTable('provider_tokens').set({ status: 'invalid', checked_at: t.clock.now().toISOString() }).where('account_id', '=', org).execute();
    const summaries = async (who: typeof owner) => {
      const { feed_token } = (await who.request({ method: 'PUT', url: '/api/v1/user/calendar-feed' })).json<{ feed_token: string }>();
      const body = (await t.request({ method: 'GET', url: `/api/v1/feeds/token-expiries.ics?feed_token=${encodeURIComponent(feed_token)}` })).body;
      return new ICAL.Component(ICAL.parse(body) as unknown[]).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).summary);
    };
    expect(await summaries(owner)).toEqual(['IonQ token of Feed Lab failed its check']);
    expect(await summaries(viewer)).toEqual([]);
  });

  it('a read_api token cannot reset the feed; the feed route is rate-limited per address', async () => {
    const t = await oneApp({ QONDUIT_RATE_LIMIT_CALENDAR_FEED: '3/60' });
    const ada = await signUp(t);
    const reader = await createPat(t, ada, { scopes: ['read_api'] });
    expect((await t.request({ method: 'PUT', url: '/api/v1/user/calendar-feed', headers: withToken(reader.token) })).statusCode).toBe(403);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.request({ method: 'GET', url: '/api/v1/feeds/token-expiries.ics?feed_token=qdc_guess' })).statusCode);
    expect(codes).toEqual([404, 404, 404, 429]);
  });
});

describe('the webhook URL check', () => {
  it('classifies addresses at the edges of the private ranges', async () => {
    const { isPrivateAddress } = await import('./webhook');
    for (const a of ['127.0.0.1', '10.0.0.0', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd12::1', '::ffff:10.0.0.1', '::ffff:7f00:1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '172.15.255.255', '172.32.0.0', '9.255.255.255', '11.0.0.0', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });
});

describe('the expiry thresholds', () => {
  it('picks the smallest threshold reached, and none a token was created inside of', async () => {
    const { thresholdFor } = await import('./notices.service');
    const now = new Date('2026-11-28T12:00:00.000Z');
    const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    expect(thresholdFor(at(-60), at(31), now)).toBeNull();
    expect(thresholdFor(at(-60), at(30), now)).toBe(30);
    expect(thresholdFor(at(-60), at(7.5), now)).toBe(30);
    expect(thresholdFor(at(-60), at(7), now)).toBe(7);
    expect(thresholdFor(at(-60), at(0.5), now)).toBe(1);
    expect(thresholdFor(at(-60), at(0), now)).toBeNull();
    // Made five days before its expiry: no 30- or 7-day notice, the 1-day one when it comes.
    expect(thresholdFor(at(0), at(5), now)).toBeNull();
    expect(thresholdFor(at(-4), at(1), now)).toBe(1);
  });
});

describe('the webhook secret and the master key', () => {
  it('is counted, rewrapped and guarded by key administration like a provider token, and still signs after a rewrap', async () => {
    const { mkdtempSync, rmSync, statSync } = await import('node:fs');
    const os = await import('node:os');
    const { keyFilePath } = await import('@qonduit/core');
    const { createKeyringHolder } = await import('../keys/keyring-holder');
    const { keyStatus, loadKeyring, retireMasterKey, rewrapAll, rotateMasterKey } = await import('../keys/keys.service');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-notice-keys-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const holder = createKeyringHolder(
      () => loadKeyring({}, dataDir),
      () => statSync(keyFilePath(dataDir), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    );
    const hook = await hooks();
    const database = await createTestDb();
    const t = await createTestAppOn(database, { startWorker: false, keyring: holder }, { QONDUIT_WEBHOOK_ALLOW_PRIVATE: 'true' });
    cleanups.push(() => t.close());
    const ada = await signUp(t);
    const { secret } = (await ada.request({ method: 'PUT', url: '/api/v1/user/notice-webhook', payload: { url: hook.url } })).json<{ secret: string }>();
    const first = loadKeyring({}, dataDir);
    expect((await keyStatus(t.db, first)).find((v) => v.id === first.activeId)?.records).toBe(1);

    const second = rotateMasterKey(dataDir, first, t.clock.now());
    const refused = await retireMasterKey(t.db, dataDir, second, first.activeId, t.clock.now());
    expect(refused).toEqual({ ok: false, message: `1 notice webhook secret(s) are still wrapped under ${first.activeId}; run 'qonduit keys rewrap' first` });
    expect(await rewrapAll(t.db, second)).toEqual({ rewrapped: 1, failed: [] });
    expect((await retireMasterKey(t.db, dataDir, second, first.activeId, t.clock.now())).ok).toBe(true);

    await createPat(t, ada, { expiresInDays: 7 });
    await t.app.notices.scan();
    expect(await t.app.notices.deliver()).toEqual({ sent: 1, failed: 0 });
    const request = hook.requests[0];
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request?.headers['x-qonduit-signature']));
    expect(createHmac('sha256', secret).update(`${match?.[1]}.${request?.body}`).digest('hex')).toBe(match?.[2]);
  });
});

describe('the webhook connection guard', () => {
  it('refuses at connect time a name that resolves to a private address (a DNS answer cannot slip past the URL check)', async () => {
    const { guardedLookup } = await import('./webhook');
    const outcome = await new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) => {
      guardedLookup('localhost', {}, (err, address) => resolve({ err, address }));
    });
    expect(outcome.err?.code).toBe('EPRIVATE');
    expect(outcome.err?.message).toMatch(/resolves to a private address/);
    const all = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      guardedLookup('localhost', { all: true }, (err) => resolve(err));
    });
    expect(all?.code).toBe('EPRIVATE');
  });
});
