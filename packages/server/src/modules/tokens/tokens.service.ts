import { AppError, generatePat, isWellFormedPat, newId, notFound, patDigest, patHint } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { Scope } from '@qonduit/contract';
import type { Database, Dialect, PersonalAccessToken } from '@qonduit/db';
import type { Kysely } from 'kysely';
import type { InvalidationBus } from '../../cache/invalidation-bus';
import { decodeCursor, pageOf } from '../../pagination';
import { holdsScope } from '../../plugins/auth';
import type { Principal } from '../../plugins/auth';
import type { Actor, AuditService } from '../audit/audit.service';
import { MAX_ALLOWED_IPS, normalizeAllowlist } from './ip-allowlist';
import { TOKEN_CHANNEL, parseOrganizationIds, parseScopes } from './token-verifier';
import * as store from './tokens.store';
import type { TokenState } from './tokens.store';

const DAY_MS = 86_400_000;
export const MAX_LIFETIME_DAYS = 365;
export const EXPIRES_SOON_DAYS = 7;
/**
 * A second rotation this soon after the first, while the first's successor is still live, is
 * the same hand twice (a double click, two CI jobs), not a stolen token: it gets 409 and
 * revokes nothing. Later, presenting a rotated token is reuse and revokes the whole family.
 */
export const ROTATION_RACE_GRACE_MS = 10_000;

export function stateOf(token: PersonalAccessToken, now: Date): TokenState {
  if (token.revoked_at) return 'revoked';
  return Date.parse(token.expires_at) <= now.getTime() ? 'expired' : 'active';
}

/**
 * `orgNames`: names of the organizations tokens are restricted to (one query per answer, see
 * namesFor); an organization deleted since shows with a null name.
 */
export function toTokenResponse(token: PersonalAccessToken, now: Date, orgNames: ReadonlyMap<string, string> = new Map()) {
  const state = stateOf(token, now);
  const orgIds = parseOrganizationIds(token.organization_ids);
  return {
    id: token.id,
    name: token.name,
    scopes: parseScopes(token.scopes),
    created_at: token.created_at,
    expires_at: token.expires_at,
    last_used_at: token.last_used_at,
    last_used_ip: token.last_used_ip,
    revoked_at: token.revoked_at,
    state,
    expires_soon: state === 'active' && Date.parse(token.expires_at) - now.getTime() <= EXPIRES_SOON_DAYS * DAY_MS,
    hint: token.hint,
    organizations: orgIds === null ? null : [...orgIds].map((id) => ({ id, name: orgNames.get(id) ?? null })),
    personal_only: orgIds !== null && orgIds.size === 0,
    allowed_ips: token.allowed_ips === null ? null : token.allowed_ips.split(' ').filter((c) => c !== ''),
  };
}

/** The names of every organization these tokens are restricted to, in one query. */
async function namesFor(db: Kysely<Database>, tokens: readonly PersonalAccessToken[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const t of tokens) for (const id of parseOrganizationIds(t.organization_ids) ?? []) ids.add(id);
  return store.organizationNames(db, [...ids]);
}

/** A stored allowlist from what a client sent (null or []: anywhere), or 400 naming the bad entry. */
export function allowlistOf(entries: readonly string[] | null | undefined): string | null {
  if (!entries || entries.length === 0) return null;
  if (entries.length > MAX_ALLOWED_IPS) throw fieldError('allowed_ips', `may hold at most ${MAX_ALLOWED_IPS} entries`);
  const result = normalizeAllowlist(entries);
  if (!result.ok) throw fieldError('allowed_ips', `has an entry that is not an IPv4 or IPv6 address or CIDR range: ${JSON.stringify(result.invalid.slice(0, 64))}`);
  return result.cidrs.join(' ');
}

function fieldError(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field} ${message}`, { details: [{ field, message }] });
}

/** A date means 00:00 UTC that day (GitLab's rule); a date-time must be in the future and within a year. */
export function parseExpiry(raw: string, now: Date): Date {
  const value = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? new Date(`${raw}T00:00:00.000Z`) : new Date(raw);
  if (Number.isNaN(value.getTime())) throw fieldError('expires_at', 'is not a valid date');
  if (value.getTime() <= now.getTime()) throw fieldError('expires_at', 'must be in the future');
  if (value.getTime() > now.getTime() + (MAX_LIFETIME_DAYS + 1) * DAY_MS) {
    throw fieldError('expires_at', `must be at most ${MAX_LIFETIME_DAYS} days ahead`);
  }
  return value;
}

export function actorOf(principal: Principal, ip: string): Actor {
  return { userId: principal.userId, tokenId: principal.tokenId, ip };
}

/**
 * `listRetentionDays`: expired and revoked tokens leave lists this many days after they ended
 * (QONDUIT_TOKEN_LIST_RETENTION_DAYS); they stay readable by id and in the audit log.
 */
export function createTokenService(deps: { db: Kysely<Database>; dialect: Dialect; clock: Clock; audit: AuditService; bus: InvalidationBus; listRetentionDays?: number }) {
  const { db, dialect, clock, audit, bus } = deps;

  function checkScopesHeld(principal: Principal, wanted: readonly Scope[]): void {
    const missing = wanted.filter((s) => !holdsScope(principal.scopes, s));
    if (missing.length > 0) {
      throw new AppError('insufficient_scope', `A token can only grant scopes it holds itself; this one lacks ${missing.join(', ')}`, {
        details: [{ field: 'scopes', message: `not held by the token making the request: ${missing.join(', ')}` }],
      });
    }
  }

  /**
   * The stored restriction: null (every organization, the default), '' (personal account only) or
   * the listed ids, each an organization the user belongs to now. A token restricted by a token
   * can only narrow it: it may list only organizations the requesting token may act for.
   */
  async function restrictionOf(principal: Principal, input: { organization_ids?: string[]; personal_only?: boolean }): Promise<string | null> {
    if (input.personal_only === true) {
      if (input.organization_ids !== undefined) throw fieldError('organization_ids', 'cannot be given with personal_only');
      return '';
    }
    const requested = principal.token?.organizationIds ?? null;
    if (input.organization_ids === undefined) {
      // A restricted token making a token passes its restriction on, as with scopes.
      return requested === null ? null : [...requested].sort().join(' ');
    }
    const ids = [...new Set(input.organization_ids)].sort();
    const members = await store.memberOf(db, principal.userId, ids);
    const notMember = ids.find((o) => !members.has(o) || (requested !== null && !requested.has(o)));
    if (notMember !== undefined) {
      throw fieldError('organization_ids', `names an organization you are not a member of (or this token may not act for): ${notMember}`);
    }
    return ids.join(' ');
  }

  async function ownToken(userId: string, id: string): Promise<PersonalAccessToken> {
    const token = await store.findToken(db, userId, id);
    if (!token) throw notFound('Token');
    return token;
  }

  return {
    async create(
      principal: Principal,
      ip: string,
      input: { name: string; scopes: Scope[]; expires_at: string; organization_ids?: string[]; personal_only?: boolean; allowed_ips?: string[] },
    ) {
      const now = clock.now();
      const expiresAt = parseExpiry(input.expires_at, now);
      checkScopesHeld(principal, input.scopes);
      const allowedIps = allowlistOf(input.allowed_ips);
      const organizationIds = await restrictionOf(principal, input);
      const name = input.name.trim();
      const secret = generatePat();
      const id = newId();
      const row: PersonalAccessToken = {
        id,
        user_id: principal.userId,
        name,
        scopes: [...new Set(input.scopes)].sort().join(' '),
        token_digest: patDigest(secret),
        hint: patHint(secret),
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        last_used_at: null,
        last_used_ip: null,
        revoked_at: null,
        revoked_reason: null,
        family_id: id,
        rotated_from: null,
        organization_ids: organizationIds,
        allowed_ips: allowedIps,
      };
      await db.transaction().execute(async (trx) => {
        await store.lockUser(trx, dialect, principal.userId);
        if (await store.activeTokenNamed(trx, principal.userId, name, now.toISOString())) {
          throw new AppError('conflict', 'You already have an active token with this name', { details: [{ field: 'name', message: 'is already used by an active token' }] });
        }
        await store.insertToken(trx, row);
        await audit.record(
          { account: { id: principal.userId, type: 'user' }, actor: actorOf(principal, ip), action: 'personal_access_token.created', target: { type: 'personal_access_token', id, name }, details: { scopes: parseScopes(row.scopes), expires_at: row.expires_at, organization_ids: row.organization_ids === null ? null : [...(parseOrganizationIds(row.organization_ids) ?? [])], allowed_ips: row.allowed_ips } },
          trx,
        );
      });
      return { ...toTokenResponse(row, now, await namesFor(db, [row])), token: secret };
    },

    async list(userId: string, query: { state?: TokenState; limit?: number; cursor?: string }) {
      const now = clock.now();
      const limit = query.limit ?? 50;
      const endedAfter = deps.listRetentionDays === undefined ? null : new Date(now.getTime() - deps.listRetentionDays * DAY_MS).toISOString();
      const rows = await store.listTokens(db, userId, query.state, now.toISOString(), limit + 1, decodeCursor(query.cursor, 2), endedAfter);
      const page = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      const names = await namesFor(db, page.items);
      return { items: page.items.map((t) => toTokenResponse(t, now, names)), next_cursor: page.next_cursor };
    },

    async get(userId: string, id: string) {
      const token = await ownToken(userId, id);
      return toTokenResponse(token, clock.now(), await namesFor(db, [token]));
    },

    /** Where the token may be used from; every server forgets the old rule as the change commits. */
    async update(principal: Principal, ip: string, id: string, input: { allowed_ips: string[] | null }) {
      const allowedIps = allowlistOf(input.allowed_ips);
      const token = await ownToken(principal.userId, id);
      if (token.revoked_at) throw new AppError('conflict', 'A revoked token cannot be changed');
      await bus.transaction(db, async (trx, invalidate) => {
        await store.setAllowedIps(trx, id, allowedIps);
        await invalidate(TOKEN_CHANNEL, id);
        await audit.record(
          { account: { id: principal.userId, type: 'user' }, actor: actorOf(principal, ip), action: 'personal_access_token.updated', target: { type: 'personal_access_token', id, name: token.name }, details: { allowed_ips: allowedIps } },
          trx,
        );
      });
      const updated = { ...token, allowed_ips: allowedIps };
      return toTokenResponse(updated, clock.now(), await namesFor(db, [updated]));
    },

    async self(principal: Principal) {
      if (!principal.tokenId) throw new AppError('not_found', 'This request was not made with a personal access token');
      const token = await ownToken(principal.userId, principal.tokenId);
      return toTokenResponse(token, clock.now(), await namesFor(db, [token]));
    },

    async revoke(principal: Principal, ip: string, id: string): Promise<void> {
      const token = await ownToken(principal.userId, id);
      const nowIso = clock.now().toISOString();
      // Every server forgets the token when, and only if, the revocation commits.
      await bus.transaction(db, async (trx, invalidate) => {
        if (await store.revokeToken(trx, id, nowIso, 'user')) {
          await invalidate(TOKEN_CHANNEL, id);
          await audit.record({ account: { id: principal.userId, type: 'user' }, actor: actorOf(principal, ip), action: 'personal_access_token.revoked', target: { type: 'personal_access_token', id, name: token.name } }, trx);
        }
      });
    },

    /**
     * Revokes the token and issues its successor in one transaction. Rotating a token that an
     * earlier rotation already replaced means two parties hold the chain (GitLab's reuse
     * detection): the whole family is revoked, unless the two rotations raced (see
     * ROTATION_RACE_GRACE_MS): then the loser gets 409 and nothing is revoked.
     */
    async rotate(principal: Principal, ip: string, id: string, input: { expires_at?: string }) {
      const now = clock.now();
      const nowIso = now.toISOString();
      const old = await ownToken(principal.userId, id);
      const oldScopes = parseScopes(old.scopes);
      checkScopesHeld(principal, oldScopes);
      const expiresAt = input.expires_at
        ? parseExpiry(input.expires_at, now)
        : new Date(now.getTime() + Math.min(Date.parse(old.expires_at) - Date.parse(old.created_at), MAX_LIFETIME_DAYS * DAY_MS));
      const secret = generatePat();
      const newTokenId = newId();
      const actor = actorOf(principal, ip);
      const account = { id: principal.userId, type: 'user' as const };

      const outcome = await bus.transaction(db, async (trx, invalidate) => {
        await store.lockUser(trx, dialect, principal.userId);
        const current = await store.findToken(trx, principal.userId, id);
        if (!current) throw notFound('Token');
        if (current.revoked_reason === 'rotated') {
          // This request saw the token live before it waited for the lock, or the winner's
          // successor is seconds old and untouched: two rotations raced.
          const successor = await store.findSuccessor(trx, id);
          const racing =
            old.revoked_at === null ||
            (successor !== undefined &&
              successor.revoked_at === null &&
              current.revoked_at !== null &&
              now.getTime() - Date.parse(current.revoked_at) <= ROTATION_RACE_GRACE_MS);
          if (racing) return { kind: 'raced' as const };
          const revoked = await store.revokeFamily(trx, current.family_id, nowIso);
          for (const t of revoked) await invalidate(TOKEN_CHANNEL, t.id);
          await audit.record({ account, actor, action: 'personal_access_token.family_revoked', target: { type: 'personal_access_token', id, name: current.name }, details: { reason: 'rotation_reuse', revoked_tokens: revoked.length } }, trx);
          return { kind: 'reuse' as const };
        }
        if (current.revoked_at) return { kind: 'revoked' as const };
        if (Date.parse(current.expires_at) <= now.getTime()) return { kind: 'expired' as const };
        await store.revokeToken(trx, id, nowIso, 'rotated');
        await invalidate(TOKEN_CHANNEL, id);
        const row: PersonalAccessToken = {
          ...current,
          id: newTokenId,
          token_digest: patDigest(secret),
          hint: patHint(secret),
          created_at: nowIso,
          expires_at: expiresAt.toISOString(),
          last_used_at: null,
          last_used_ip: null,
          revoked_at: null,
          revoked_reason: null,
          rotated_from: id,
        };
        await store.insertToken(trx, row);
        await audit.record({ account, actor, action: 'personal_access_token.rotated', target: { type: 'personal_access_token', id: newTokenId, name: row.name }, details: { rotated_from: id, expires_at: row.expires_at } }, trx);
        return { kind: 'rotated' as const, row };
      });

      switch (outcome.kind) {
        case 'reuse':
          throw new AppError('conflict', 'This token was already rotated; as a precaution every token of its rotation chain is now revoked');
        case 'raced':
          throw new AppError('conflict', 'This token was rotated by another request a moment ago; use the token that request received');
        case 'revoked':
          throw new AppError('conflict', 'A revoked token cannot be rotated; create a new one');
        case 'expired':
          throw new AppError('conflict', 'An expired token cannot be rotated; create a new one');
        case 'rotated':
          return { ...toTokenResponse(outcome.row, now, await namesFor(db, [outcome.row])), token: secret };
      }
    },

    /**
     * Leaked-token revocation (GitHub's credential revocation API): anyone who finds tokens may
     * send them; the answer says how many were revoked, never whose.
     */
    async revokeLeaked(tokens: string[], ip: string): Promise<number> {
      const digests = [...new Set(tokens.filter((t) => isWellFormedPat(t)).map(patDigest))];
      const nowIso = clock.now().toISOString();
      const rows = await store.findTokensByDigests(db, digests);
      let revokedCount = 0;
      for (const row of rows) {
        if (row.revoked_at || Date.parse(row.expires_at) <= Date.parse(nowIso)) continue;
        await bus.transaction(db, async (trx, invalidate) => {
          if (await store.revokeToken(trx, row.id, nowIso, 'leaked')) {
            revokedCount++;
            await invalidate(TOKEN_CHANNEL, row.id);
            await audit.record({ account: { id: row.user_id, type: 'user' }, actor: { userId: null, tokenId: null, ip }, action: 'personal_access_token.revoked_as_leaked', target: { type: 'personal_access_token', id: row.id, name: row.name } }, trx);
          }
        });
      }
      return revokedCount;
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
