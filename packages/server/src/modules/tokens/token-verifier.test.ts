import { fixedClock, generatePat, patDigest, patHint } from '@qonduit/core';
import type { Database } from '@qonduit/db';
import { createTestDb } from '@qonduit/db/testing';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createInvalidationBus } from '../../cache/invalidation-bus';
import { createPat, createTestAppOn, signUp, withToken } from '../../test/harness';
import { createTokenVerifier } from './token-verifier';

const silent = pino({ level: 'silent' }) as FastifyBaseLogger;

describe('token verification', () => {
  it('refuses a malformed or checksum-invalid token without touching the database', async () => {
    const explode = new Proxy({}, { get: () => { throw new Error('database touched'); } }) as Kysely<Database>;
    const bus = { transaction: () => Promise.reject(new Error('unused')), subscribe: () => {}, isReliable: () => true, close: async () => {} };
    const verifier = createTokenVerifier({ db: explode, clock: fixedClock(new Date()), bus, log: silent });
    const valid = generatePat();
    const broken = valid.slice(0, 20) + (valid[20] === 'a' ? 'b' : 'a') + valid.slice(21);
    expect(await verifier.verify(broken, '127.0.0.1')).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifier.verify('qdp_x', '127.0.0.1')).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifier.verify('', '127.0.0.1')).toEqual({ ok: false, reason: 'malformed' });
    await verifier.close();
  });

  it('writes the last use of every token used since the last flush in one statement, and never moves it backwards', async () => {
    const database = await createTestDb();
    const t = await createTestAppOn(database, { startWorker: false });
    try {
      const ada = await signUp(t);
      const now = t.clock.now().toISOString();
      const later = new Date(t.clock.now().getTime() + 60_000).toISOString();
      const expires = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
      const tokens = Array.from({ length: 60 }, (_, i) => {
        const secret = generatePat();
        const id = `tok_flush_${String(i).padStart(3, '0')}`;
        return { secret, row: { id, user_id: ada.userId, name: `t${i}`, scopes: 'api', token_digest: patDigest(secret), hint: patHint(secret), created_at: now, expires_at: expires, last_used_at: i === 0 ? later : null, last_used_ip: i === 0 ? '198.51.100.9' : null, revoked_at: null, revoked_reason: null, family_id: id, rotated_from: null } };
      });
      await database.db.insertInto('personal_access_tokens').values(tokens.map((x) => x.row)).execute();
      let statements = 0;
      const counting = database.db.withPlugin({
        transformQuery: (args) => {
          statements++;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      const bus = createInvalidationBus(database, silent);
      const verifier = createTokenVerifier({ db: counting, clock: t.clock, bus, log: silent, flushMs: 3_600_000 });
      for (let round = 0; round < 3; round++) {
        for (const x of tokens) expect((await verifier.verify(x.secret, '192.0.2.1')).ok).toBe(true);
      }
      statements = 0;
      await verifier.flush();
      expect(statements).toBe(1);
      const rows = await database.db.selectFrom('personal_access_tokens').select(['id', 'last_used_at', 'last_used_ip']).where('id', 'like', 'tok_flush_%').orderBy('id').execute();
      // Token 0 was used later elsewhere (another server's flush): that later use stays.
      expect(rows[0]).toEqual({ id: 'tok_flush_000', last_used_at: later, last_used_ip: '198.51.100.9' });
      expect(rows.slice(1).every((r) => r.last_used_at === now && r.last_used_ip === '192.0.2.1')).toBe(true);
      statements = 0;
      await verifier.flush();
      expect(statements).toBe(0);
      await verifier.close();
      await bus.close();
    } finally {
      await t.close();
    }
  });

  it('trusts a cached token no longer than the cache time-to-live, even if no notification comes', async () => {
    const database = await createTestDb();
    const t = await createTestAppOn(database, { startWorker: false });
    try {
      const ada = await signUp(t);
      const pat = await createPat(t, ada);
      // A bus that never delivers anything: every notification is lost.
      const deaf = { transaction: () => Promise.reject(new Error('unused')), subscribe: () => {}, isReliable: () => true, close: async () => {} };
      let now = 0;
      const verifier = createTokenVerifier({ db: database.db, clock: t.clock, bus: deaf, log: silent, cacheTtlMs: 1000, monotonicMs: () => now });
      expect((await verifier.verify(pat.token, '192.0.2.1')).ok).toBe(true);
      await database.db.updateTable('personal_access_tokens').set({ revoked_at: t.clock.now().toISOString(), revoked_reason: 'user' }).where('id', '=', pat.id).execute();
      now = 999;
      expect((await verifier.verify(pat.token, '192.0.2.1')).ok).toBe(true);
      now = 1000;
      expect(await verifier.verify(pat.token, '192.0.2.1')).toEqual({ ok: false, reason: 'revoked' });
      await verifier.close();
      // 0: nothing is cached, every request reads the database.
      const second = await createPat(t, ada);
      const uncached = createTokenVerifier({ db: database.db, clock: t.clock, bus: deaf, log: silent, cacheTtlMs: 0, monotonicMs: () => now });
      expect((await uncached.verify(second.token, '192.0.2.1')).ok).toBe(true);
      await database.db.updateTable('personal_access_tokens').set({ revoked_at: t.clock.now().toISOString(), revoked_reason: 'user' }).where('id', '=', second.id).execute();
      expect(await uncached.verify(second.token, '192.0.2.1')).toEqual({ ok: false, reason: 'revoked' });
      await uncached.close();
    } finally {
      await t.close();
    }
  });

  // Several server processes share one PostgreSQL database; SQLite is one process's own.
  it.runIf(process.env.QONDUIT_TEST_DB === 'postgres')('stops a token revoked on one server at once on another that had it cached', async () => {
    const database = await createTestDb();
    const serverA = await createTestAppOn(database);
    const serverB = await createTestAppOn({ ...database, ...database.connectAgain(), cleanup: async () => {} });
    try {
      const ada = await signUp(serverA);
      const pat = await createPat(serverA, ada);
      // Let B's listener connect, then warm B's cache.
      await new Promise((r) => setTimeout(r, 300));
      expect((await serverB.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) })).statusCode).toBe(200);
      expect((await ada.request({ method: 'DELETE', url: `/api/v1/user/tokens/${pat.id}` })).statusCode).toBe(204);
      let status = 0;
      for (let i = 0; i < 50 && status !== 401; i++) {
        await new Promise((r) => setTimeout(r, 20));
        status = (await serverB.request({ method: 'GET', url: '/api/v1/user', headers: withToken(pat.token) })).statusCode;
      }
      expect(status).toBe(401);
    } finally {
      await serverB.close();
      await serverA.close();
    }
  });
});
