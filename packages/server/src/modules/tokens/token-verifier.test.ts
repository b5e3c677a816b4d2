import { fixedClock, generatePat } from '@qonduit/core';
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

  it('writes last use at most once per flush however often a token is used', async () => {
    const database = await createTestDb();
    const t = await createTestAppOn(database);
    try {
      const ada = await signUp(t);
      const pat = await createPat(t, ada);
      let updates = 0;
      const bus = createInvalidationBus(database, silent);
      const counting = database.db.withPlugin({
        transformQuery: (args) => {
          if (args.node.kind === 'UpdateQueryNode') updates++;
          return args.node;
        },
        transformResult: async (args) => args.result,
      });
      const verifier = createTokenVerifier({ db: counting, clock: t.clock, bus, log: silent, flushMs: 3_600_000 });
      for (let i = 0; i < 50; i++) expect((await verifier.verify(pat.token, '192.0.2.1')).ok).toBe(true);
      expect(updates).toBe(0);
      await verifier.flush();
      expect(updates).toBe(1);
      const row = await database.db.selectFrom('personal_access_tokens').select(['last_used_at', 'last_used_ip']).where('id', '=', pat.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ last_used_at: t.clock.now().toISOString(), last_used_ip: '192.0.2.1' });
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
