import { AppError, notFound } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { MemberComplianceResponse, PatchTokenPolicyBody, PolicyAffectedToken, Scope, SetTokenPolicyBody, TokenPolicyResponse } from '@qonduit/contract';
import type { Database } from '@qonduit/db';
import type { Kysely } from 'kysely';
import type { InvalidationBus } from '../../cache/invalidation-bus';
import type { Principal } from '../../plugins/auth';
import type { AuditService } from '../audit/audit.service';
import { DEFAULT_AUTH_CACHE_TTL_MS, parseOrganizationIds, parseScopes } from '../tokens/token-verifier';
import { actorOf } from '../tokens/tokens.service';
import { assertMay } from './org-policy';
import type { OrgService } from './orgs.service';
import { NO_POLICY, isEmptyPolicy, missingMemberRules, policyFindings, rulesOf } from './token-policy';
import type { TokenPolicyRules } from './token-policy';
import * as store from './token-policy.store';

/** The invalidation channel of organization token policies (key: the organization id). */
export const TOKEN_POLICY_CHANNEL = 'org_token_policy';
/** Active member tokens one affected-tokens answer examines at most (then `truncated`). */
export const MAX_TOKENS_EXAMINED = 2_000;

export interface CachedPolicy {
  name: string;
  rules: TokenPolicyRules;
}

/**
 * Organization token policies (issue 16): owners set them, members read them, and every request
 * a token makes for the organization is checked against the policy (plugins/auth.ts). That check
 * reads the policy from this process's memory; a change goes out through the invalidation bus
 * with the transaction that makes it (as a token revocation does), so every server applies it
 * the moment it commits. An entry also lives at most the auth cache's time-to-live.
 */
export function createTokenPolicyService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  bus: InvalidationBus;
  orgs: Pick<OrgService, 'authorize' | 'membershipOf'>;
  cacheTtlMs?: number;
  /** Turning on the sign-in rules: the owner must meet them first, or would lock themself out. */
  signInRules?: { hasSecondFactor(userId: string): Promise<boolean>; ssoConfigured: boolean };
  maxCacheEntries?: number;
  monotonicMs?: () => number;
}) {
  const { db, clock, audit, bus, orgs } = deps;
  const ttlMs = deps.cacheTtlMs ?? DEFAULT_AUTH_CACHE_TTL_MS;
  const maxEntries = deps.maxCacheEntries ?? 100_000;
  const monotonicMs = deps.monotonicMs ?? (() => performance.now());
  const cache = new Map<string, { value: CachedPolicy | null; cachedAt: number }>();
  let epoch = 0;

  bus.subscribe(
    TOKEN_POLICY_CHANNEL,
    (organizationId) => {
      epoch++;
      cache.delete(organizationId);
    },
    () => {
      epoch++;
      cache.clear();
    },
  );

  async function lookup(organizationId: string): Promise<CachedPolicy | null> {
    const hit = cache.get(organizationId);
    if (hit) {
      if (monotonicMs() - hit.cachedAt < ttlMs) return hit.value;
      cache.delete(organizationId);
    }
    const startEpoch = epoch;
    const readAt = monotonicMs();
    const row = await store.findPolicy(db, organizationId);
    const value = row ? { name: row.name, rules: rulesOf(row.policy_org === null ? null : { max_lifetime_days: row.max_lifetime_days, allowed_scopes: row.allowed_scopes, require_restricted: row.require_restricted ?? 0, block_pats: row.block_pats ?? 0, require_two_factor: row.require_two_factor ?? 0, require_sso: row.require_sso ?? 0 }, parseScopes) } : null;
    // A lookup that began before an invalidation must not store what was true before it.
    if (ttlMs > 0 && startEpoch === epoch && bus.isReliable()) {
      if (cache.size >= maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(organizationId, { value, cachedAt: readAt });
    }
    return value;
  }

  async function read(organizationId: string): Promise<TokenPolicyResponse> {
    const row = await store.findPolicy(db, organizationId);
    if (!row) throw notFound('Organization');
    const set = row.policy_org !== null;
    return {
      organization_id: organizationId,
      max_lifetime_days: row.max_lifetime_days ?? null,
      allowed_scopes: row.allowed_scopes === null ? null : parseScopes(row.allowed_scopes),
      require_restricted: Number(row.require_restricted ?? 0) === 1,
      block_personal_access_tokens: Number(row.block_pats ?? 0) === 1,
      require_two_factor: Number(row.require_two_factor ?? 0) === 1,
      require_sso: Number(row.require_sso ?? 0) === 1,
      updated_at: set ? row.updated_at : null,
      updated_by: set && row.updated_by !== null ? { user_id: row.updated_by, name: row.updated_by_name ?? null } : null,
    };
  }

  async function write(principal: Principal, ip: string, organizationId: string, change: PatchTokenPolicyBody, whole: boolean): Promise<TokenPolicyResponse> {
    await orgs.authorize(principal.userId, organizationId, 'token_policy');
    const before = await read(organizationId);
    const next = {
      max_lifetime_days: change.max_lifetime_days !== undefined ? change.max_lifetime_days : before.max_lifetime_days,
      allowed_scopes: change.allowed_scopes !== undefined ? change.allowed_scopes : before.allowed_scopes,
      require_restricted: change.require_restricted ?? before.require_restricted,
      block_personal_access_tokens: change.block_personal_access_tokens ?? before.block_personal_access_tokens,
      // PUT sets the whole policy: a rule it leaves out is off.
      require_two_factor: change.require_two_factor ?? (whole ? false : before.require_two_factor),
      require_sso: change.require_sso ?? (whole ? false : before.require_sso),
    };
    if (next.require_two_factor && !before.require_two_factor && !(await deps.signInRules?.hasSecondFactor(principal.userId))) {
      throw new AppError('conflict', 'Add a second factor to your own account first (Settings → Sign-in and security): require_two_factor would refuse you too', { details: [{ field: 'require_two_factor', message: 'you have no second factor' }] });
    }
    if (next.require_sso && !before.require_sso && deps.signInRules?.ssoConfigured !== true) {
      throw new AppError('conflict', 'This Qonduit has no single sign-on provider configured (QONDUIT_OIDC_ISSUER), so no member could meet require_sso', { details: [{ field: 'require_sso', message: 'single sign-on is not configured' }] });
    }
    const scopes = next.allowed_scopes === null ? null : [...new Set<Scope>(next.allowed_scopes)].sort();
    await bus.transaction(db, async (trx, invalidate) => {
      await store.upsertPolicy(trx, {
        organization_id: organizationId,
        max_lifetime_days: next.max_lifetime_days,
        allowed_scopes: scopes === null ? null : scopes.join(' '),
        require_restricted: next.require_restricted ? 1 : 0,
        block_pats: next.block_personal_access_tokens ? 1 : 0,
        require_two_factor: next.require_two_factor ? 1 : 0,
        require_sso: next.require_sso ? 1 : 0,
        updated_at: clock.now().toISOString(),
        updated_by: principal.userId,
      });
      await invalidate(TOKEN_POLICY_CHANNEL, organizationId);
      const rules = (p: typeof next) => ({
        max_lifetime_days: p.max_lifetime_days,
        allowed_scopes: p.allowed_scopes,
        require_restricted: p.require_restricted,
        block_personal_access_tokens: p.block_personal_access_tokens,
        require_two_factor: p.require_two_factor,
        require_sso: p.require_sso,
      });
      const org = await store.findPolicy(trx, organizationId);
      await audit.record(
        {
          account: { id: organizationId, type: 'organization' },
          actor: actorOf(principal, ip),
          action: 'organization.token_policy_changed',
          target: { type: 'organization', id: organizationId, name: org?.name ?? null },
          details: { old: rules(before), new: rules({ ...next, allowed_scopes: scopes }) },
        },
        trx,
      );
    });
    return read(organizationId);
  }

  return {
    /** For plugins/auth.ts: the organization's name and rules, from memory when it can. */
    lookup,

    async get(userId: string, organizationId: string): Promise<TokenPolicyResponse> {
      await orgs.authorize(userId, organizationId, 'read_token_policy');
      return read(organizationId);
    },

    set: (principal: Principal, ip: string, organizationId: string, body: SetTokenPolicyBody) => write(principal, ip, organizationId, body, true),
    patch: (principal: Principal, ip: string, organizationId: string, body: PatchTokenPolicyBody) => write(principal, ip, organizationId, body, false),

    /**
     * Every member and whether they meet the sign-in rules (owners only: it tells who has a
     * second factor). `ssoLinked` says which users have an identity at the instance's provider.
     */
    async memberCompliance(userId: string, organizationId: string, onlyNoncompliant: boolean, ssoLinked: (userIds: string[]) => Promise<ReadonlySet<string>>): Promise<MemberComplianceResponse> {
      const m = await orgs.membershipOf(userId, organizationId);
      assertMay(m.role, 'review_member_sign_in', {});
      const policy = await read(organizationId);
      const rules = { ...NO_POLICY, requireTwoFactor: policy.require_two_factor, requireSso: policy.require_sso };
      const rows = await store.membersWithFactors(db, organizationId);
      const linked = await ssoLinked(rows.map((r) => r.user_id));
      const items = rows.map((r) => {
        const facts = { twoFactor: Boolean(Number(r.two_factor)), sso: linked.has(r.user_id) };
        return { user_id: r.user_id, name: r.name, email: r.email, role: r.role, two_factor: facts.twoFactor, sso: facts.sso, missing: missingMemberRules(rules, facts) };
      });
      return { require_two_factor: policy.require_two_factor, require_sso: policy.require_sso, items: onlyNoncompliant ? items.filter((i) => i.missing.length > 0) : items };
    },

    /**
     * The members' active tokens that the policy now refuses or limits for the organization, and
     * why. Tokens restricted to other organizations are not listed: they cannot act for it anyway.
     * Owners see everyone's; other members only their own (`member` = themselves).
     */
    async affectedTokens(userId: string, organizationId: string, member: string | undefined): Promise<{ items: PolicyAffectedToken[]; truncated: boolean }> {
      const m = await orgs.membershipOf(userId, organizationId);
      assertMay(m.role, 'review_member_tokens', { own: member === userId });
      const policy = await lookup(organizationId);
      if (!policy || isEmptyPolicy(policy.rules)) return { items: [], truncated: false };
      const rows = await store.activeMemberTokens(db, organizationId, clock.now().toISOString(), member, MAX_TOKENS_EXAMINED + 1);
      const items: PolicyAffectedToken[] = [];
      for (const row of rows.slice(0, MAX_TOKENS_EXAMINED)) {
        const organizationIds = parseOrganizationIds(row.organization_ids);
        if (organizationIds !== null && !organizationIds.has(organizationId)) continue;
        const scopes = parseScopes(row.scopes);
        const findings = policyFindings(policy.name, policy.rules, {
          scopes: new Set(scopes),
          organizationIds,
          createdAtMs: Date.parse(row.created_at),
          expiresAtMs: Date.parse(row.expires_at),
        });
        if (findings.length === 0) continue;
        items.push({
          member: { user_id: row.user_id, name: row.user_name, email: row.email },
          token: { id: row.id, name: row.name, hint: row.hint, scopes, created_at: row.created_at, expires_at: row.expires_at },
          findings,
        });
      }
      return { items, truncated: rows.length > MAX_TOKENS_EXAMINED };
    },
  };
}

export type TokenPolicyService = ReturnType<typeof createTokenPolicyService>;
