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
import { TOKEN_CHANNEL, parseScopes } from './token-verifier';
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

export function toTokenResponse(token: PersonalAccessToken, now: Date) {
  const state = stateOf(token, now);
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
  };
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

export function createTokenService(deps: { db: Kysely<Database>; dialect: Dialect; clock: Clock; audit: AuditService; bus: InvalidationBus }) {
  const { db, dialect, clock, audit, bus } = deps;

  function checkScopesHeld(principal: Principal, wanted: readonly Scope[]): void {
    const missing = wanted.filter((s) => !holdsScope(principal.scopes, s));
    if (missing.length > 0) {
      throw new AppError('insufficient_scope', `A token can only grant scopes it holds itself; this one lacks ${missing.join(', ')}`, {
        details: [{ field: 'scopes', message: `not held by the token making the request: ${missing.join(', ')}` }],
      });
    }
  }

  async function ownToken(userId: string, id: string): Promise<PersonalAccessToken> {
    const token = await store.findToken(db, userId, id);
    if (!token) throw notFound('Token');
    return token;
  }

  return {
    async create(principal: Principal, ip: string, input: { name: string; scopes: Scope[]; expires_at: string }) {
      const now = clock.now();
      const expiresAt = parseExpiry(input.expires_at, now);
      checkScopesHeld(principal, input.scopes);
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
      };
      await db.transaction().execute(async (trx) => {
        await store.lockUser(trx, dialect, principal.userId);
        if (await store.activeTokenNamed(trx, principal.userId, name, now.toISOString())) {
          throw new AppError('conflict', 'You already have an active token with this name', { details: [{ field: 'name', message: 'is already used by an active token' }] });
        }
        await store.insertToken(trx, row);
        await audit.record(
          { account: { id: principal.userId, type: 'user' }, actor: actorOf(principal, ip), action: 'personal_access_token.created', target: { type: 'personal_access_token', id, name }, details: { scopes: parseScopes(row.scopes), expires_at: row.expires_at } },
          trx,
        );
      });
      return { ...toTokenResponse(row, now), token: secret };
    },

    async list(userId: string, query: { state?: TokenState; limit?: number; cursor?: string }) {
      const now = clock.now();
      const limit = query.limit ?? 50;
      const rows = await store.listTokens(db, userId, query.state, now.toISOString(), limit + 1, decodeCursor(query.cursor, 2));
      const page = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      return { items: page.items.map((t) => toTokenResponse(t, now)), next_cursor: page.next_cursor };
    },

    async get(userId: string, id: string) {
      return toTokenResponse(await ownToken(userId, id), clock.now());
    },

    async self(principal: Principal) {
      if (!principal.tokenId) throw new AppError('not_found', 'This request was not made with a personal access token');
      return toTokenResponse(await ownToken(principal.userId, principal.tokenId), clock.now());
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
          return { ...toTokenResponse(outcome.row, now), token: secret };
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
