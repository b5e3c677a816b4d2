import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedPostgresSchema } from '../../test/server-process';
import type { ServerProcess } from '../../test/server-process';
import { smtpSink } from './notice-test-servers';
import type { SmtpSink } from './notice-test-servers';

// Two real server processes on one PostgreSQL schema, each running the notice scheduler every
// second on its own timer and pool: every notice reaches the mail server exactly once.
const onPostgres = process.env.QONDUIT_TEST_DB === 'postgres';
const DAY = 86_400_000;

describe.runIf(onPostgres)('expiry notices from two server processes on one PostgreSQL', () => {
  let shared: Awaited<ReturnType<typeof sharedPostgresSchema>>;
  let smtp: SmtpSink;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    smtp = await smtpSink();
    await smtp.start();
    shared = await sharedPostgresSchema();
    const env = { QONDUIT_SWEEP_INTERVAL_MS: '1000', QONDUIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, QONDUIT_SMTP_FROM: 'noreply@qonduit.test' };
    a = await shared.start('notices_a', env);
    b = await shared.start('notices_b', env);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await shared?.cleanup();
    await smtp?.stop();
  });

  it('each token and threshold is mailed once, however many passes both servers make', async () => {
    const email = `ada-${randomBytes(4).toString('hex')}@example.com`;
    const signup = await fetch(`${a.url}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Ada' }),
    });
    expect(signup.status).toBe(201);
    const cookies = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /qonduit_csrf=([^;]+)/.exec(cookies)?.[1] ?? '';
    const ids: string[] = [];
    // Made on both servers: 1, 7 and 30 days from expiry, and one that needs no notice yet.
    for (const [server, name, days] of [[a, 'nightly', 1], [b, 'ci', 7], [a, 'deploy', 30], [b, 'long', 90]] as const) {
      const res = await fetch(`${server.url}/api/v1/user/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookies, 'x-csrf-token': csrf },
        body: JSON.stringify({ name, scopes: ['api'], expires_at: new Date(Date.now() + days * DAY).toISOString() }),
      });
      expect(res.status).toBe(201);
      ids.push(String(((await res.json()) as { id: string }).id));
    }
    const deadline = Date.now() + 30_000;
    while (smtp.mails.length < 3) {
      if (Date.now() > deadline) throw new Error(`only ${smtp.mails.length} notices arrived`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Several more passes of both servers.
    await new Promise((r) => setTimeout(r, 4000));
    expect(smtp.mails).toHaveLength(3);
    const parsed = await Promise.all(smtp.mails.map((m) => simpleParser(m.raw)));
    expect(new Set(parsed.map((m) => m.headers.get('x-qonduit-notice'))).size).toBe(3);
    expect(parsed.map((m) => m.subject?.replace(/ \(qdp_….{4}\)/, '')).sort()).toEqual([
      'Your Qonduit token "ci" expires in 7 days',
      'Your Qonduit token "deploy" expires in 30 days',
      'Your Qonduit token "nightly" expires in 1 day',
    ]);
    // Either server lists the same three notices, each delivered once.
    for (const server of [a, b]) {
      const listed = await fetch(`${server.url}/api/v1/user/notices`, { headers: { cookie: cookies } });
      const { items } = (await listed.json()) as { items: Array<{ token_id: string; deliveries: Array<{ status: string; attempts: number }> }> };
      expect(items.map((n) => n.token_id).sort()).toEqual(ids.slice(0, 3).sort());
      expect(items.every((n) => n.deliveries.length === 1 && n.deliveries[0]?.status === 'sent' && n.deliveries[0].attempts === 1)).toBe(true);
    }
  }, 60_000);
});
