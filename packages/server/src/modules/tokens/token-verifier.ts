import { isWellFormedPat, patDigest } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import { SCOPES } from '@qonduit/contract';
import type { Scope } from '@qonduit/contract';
import type { Database } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { InvalidationBus } from '../../cache/invalidation-bus';
import type { PatVerification } from '../../plugins/auth';
import * as store from './tokens.store';

export const TOKEN_CHANNEL = 'pat';

interface CachedToken {
  tokenId: string;
  userId: string;
  scopes: ReadonlySet<Scope>;
  expiresAtMs: number;
  revoked: boolean;
  /** When it was read from the database, on the monotonic clock. */
  cachedAt: number;
}

export function parseScopes(stored: string): Scope[] {
  return stored.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
}

/** How long a verified token is trusted from this process's memory, by default (README). */
export const DEFAULT_AUTH_CACHE_TTL_MS = 10_000;

/**
 * Verifies a presented token: shape and checksum offline, then one lookup by digest. Verified
 * tokens are cached by digest in this process; revocation anywhere reaches every process
 * through the invalidation bus, so a revoked token stops working at once everywhere. An entry
 * lives at most `cacheTtlMs` (0: nothing is cached), which bounds what a lost notification can
 * cost. Only the token itself (owner, scopes, expiry, revocation) is cached: organization
 * membership and role are read from the database on every request that names an organization,
 * so removing a member or lowering a role takes effect everywhere with nothing to invalidate.
 * Last-used times are coalesced in memory and written in one batch every `flushMs`, which keeps
 * them within a minute of the truth without a database write per request.
 */
export function createTokenVerifier(deps: {
  db: Kysely<Database>;
  clock: Clock;
  bus: InvalidationBus;
  log: FastifyBaseLogger;
  maxCacheEntries?: number;
  flushMs?: number;
  cacheTtlMs?: number;
  /** A monotonic clock in milliseconds for the cache's time-to-live (tests pass their own). */
  monotonicMs?: () => number;
}) {
  const { db, clock, bus } = deps;
  const maxEntries = deps.maxCacheEntries ?? 100_000;
  const ttlMs = deps.cacheTtlMs ?? DEFAULT_AUTH_CACHE_TTL_MS;
  const monotonicMs = deps.monotonicMs ?? (() => performance.now());
  const cache = new Map<string, CachedToken>();
  const digestById = new Map<string, string>();
  // Bumped by every invalidation: a lookup that started before one must not fill the cache,
  // or it could store what was true before a revocation.
  let epoch = 0;
  const pendingUse = new Map<string, { at: Date; ip: string }>();

  bus.subscribe(
    TOKEN_CHANNEL,
    (tokenId) => {
      epoch++;
      const digest = digestById.get(tokenId);
      if (digest) {
        cache.delete(digest);
        digestById.delete(tokenId);
      }
    },
    () => {
      epoch++;
      cache.clear();
      digestById.clear();
    },
  );

  async function lookup(digest: string): Promise<CachedToken | null> {
    const hit = cache.get(digest);
    if (hit) {
      if (monotonicMs() - hit.cachedAt < ttlMs) return hit;
      cache.delete(digest);
      digestById.delete(hit.tokenId);
    }
    const startEpoch = epoch;
    const readAt = monotonicMs();
    const row = await store.findTokenByDigest(db, digest);
    if (!row) return null;
    const entry: CachedToken = {
      tokenId: row.id,
      userId: row.user_id,
      scopes: new Set(parseScopes(row.scopes)),
      expiresAtMs: Date.parse(row.expires_at),
      revoked: row.revoked_at !== null,
      cachedAt: readAt,
    };
    if (ttlMs > 0 && startEpoch === epoch && bus.isReliable()) {
      if (cache.size >= maxEntries) {
        // Map keeps insertion order: drop the oldest entry.
        const oldest = cache.entries().next().value;
        if (oldest !== undefined) {
          cache.delete(oldest[0]);
          digestById.delete(oldest[1].tokenId);
        }
      }
      cache.set(digest, entry);
      digestById.set(entry.tokenId, digest);
    }
    return entry;
  }

  async function flush(): Promise<void> {
    if (pendingUse.size === 0) return;
    const batch = [...pendingUse];
    pendingUse.clear();
    const uses = batch.map(([id, use]) => ({ id, atIso: use.at.toISOString(), ip: use.ip }));
    try {
      // One statement per 10⁴ tokens, all in one transaction: one commit however many there are.
      await db.transaction().execute((trx) => store.recordUses(trx, uses));
    } catch (err) {
      // Kept for the next flush, unless a newer use of the same token came in meanwhile.
      for (const [id, use] of batch) if (!pendingUse.has(id)) pendingUse.set(id, use);
      throw err;
    }
  }

  const timer = setInterval(() => {
    flush().catch((err: unknown) => deps.log.warn({ err }, 'could not record token use'));
  }, deps.flushMs ?? 30_000);
  timer.unref();

  return {
    async verify(token: string, ip: string): Promise<PatVerification> {
      if (!isWellFormedPat(token)) return { ok: false, reason: 'malformed' };
      const entry = await lookup(patDigest(token));
      if (!entry) return { ok: false, reason: 'unknown' };
      if (entry.revoked) return { ok: false, reason: 'revoked' };
      const now = clock.now();
      if (entry.expiresAtMs <= now.getTime()) return { ok: false, reason: 'expired' };
      // The ISO string is made at flush time, not per request.
      pendingUse.set(entry.tokenId, { at: now, ip });
      return { ok: true, token: { tokenId: entry.tokenId, userId: entry.userId, scopes: entry.scopes } };
    },
    /** Writes the coalesced last-used times now (shutdown, tests). */
    flush,
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
