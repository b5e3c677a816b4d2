import { isWellFormedPat, patDigest } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import { SCOPES } from '@qonduit/contract';
import type { Scope } from '@qonduit/contract';
import type { Database } from '@qonduit/db';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { InvalidationBus } from '../../cache/invalidation-bus';
import type { PatVerification } from '../../plugins/auth';
import type { AuditService } from '../audit/audit.service';
import { compileAllowlist } from './ip-allowlist';
import type { IpMatcher } from './ip-allowlist';
import * as store from './tokens.store';

export const TOKEN_CHANNEL = 'pat';

interface CachedToken {
  tokenId: string;
  userId: string;
  name: string;
  scopes: ReadonlySet<Scope>;
  createdAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
  /** null: every organization of its owner; else the ids it may act for (empty: none). */
  organizationIds: ReadonlySet<string> | null;
  /** null: any client address. */
  allowsIp: IpMatcher | null;
  /** When it was read from the database, on the monotonic clock. */
  cachedAt: number;
}

/** The stored organization restriction (see the table's comment) as a set, or null. */
export function parseOrganizationIds(stored: string | null): ReadonlySet<string> | null {
  return stored === null ? null : new Set(stored.split(' ').filter((s) => s !== ''));
}

/** At most one `personal_access_token.ip_refused` event per token per this long, per server. */
export const IP_REFUSAL_AUDIT_INTERVAL_MS = 60_000;

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
 * cost. Only the token itself (owner, scopes, expiry, revocation, the organizations and client
 * addresses it is restricted to, so those checks cost no query) is cached: organization
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
  /** Records use from an address outside a token's allowlist (on its owner's account). */
  audit?: Pick<AuditService, 'record'>;
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
      name: row.name,
      scopes: new Set(parseScopes(row.scopes)),
      createdAtMs: Date.parse(row.created_at),
      expiresAtMs: Date.parse(row.expires_at),
      revoked: row.revoked_at !== null,
      organizationIds: parseOrganizationIds(row.organization_ids),
      allowsIp: row.allowed_ips === null ? null : compileAllowlist(row.allowed_ips),
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

  // An attacker holding a token but not an allowed address must not be able to fill its owner's
  // audit log: one event per token per interval on each server, with how many refusals it covers.
  const ipRefusals = new Map<string, { lastAt: number; suppressed: number }>();
  const MAX_IP_REFUSAL_ENTRIES = 10_000;
  async function recordIpRefusal(entry: CachedToken, ip: string): Promise<void> {
    if (!deps.audit) return;
    const nowMono = monotonicMs();
    const seen = ipRefusals.get(entry.tokenId);
    if (seen && nowMono - seen.lastAt < IP_REFUSAL_AUDIT_INTERVAL_MS) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    ipRefusals.delete(entry.tokenId);
    if (ipRefusals.size >= MAX_IP_REFUSAL_ENTRIES) {
      const oldest = ipRefusals.keys().next().value;
      if (oldest !== undefined) ipRefusals.delete(oldest);
    }
    ipRefusals.set(entry.tokenId, { lastAt: nowMono, suppressed: 0 });
    try {
      await deps.audit.record({
        account: { id: entry.userId, type: 'user' },
        actor: { userId: null, tokenId: null, ip },
        action: 'personal_access_token.ip_refused',
        target: { type: 'personal_access_token', id: entry.tokenId, name: entry.name },
        details: { ip, earlier_refusals_not_recorded: suppressed },
      });
    } catch (err) {
      deps.log.warn({ err }, 'could not record a refused token use');
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
      if (entry.allowsIp !== null && !entry.allowsIp(ip)) {
        await recordIpRefusal(entry, ip);
        return { ok: false, reason: 'ip_refused' };
      }
      // The ISO string is made at flush time, not per request.
      pendingUse.set(entry.tokenId, { at: now, ip });
      return {
        ok: true,
        token: {
          tokenId: entry.tokenId,
          userId: entry.userId,
          scopes: entry.scopes,
          organizationIds: entry.organizationIds,
          createdAtMs: entry.createdAtMs,
          expiresAtMs: entry.expiresAtMs,
        },
      };
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
