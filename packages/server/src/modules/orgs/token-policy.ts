import type { Scope } from '@qonduit/contract';
import type { OrganizationTokenPolicy } from '@qonduit/db';

// An organization's token policy (issue 16): the rules a personal access token must meet to act
// for the organization. They are checked on every request a token makes for it (plugins/auth.ts),
// not only when the token is made, so a policy reaches tokens that already exist. Pure rules here;
// storage, caching and routes in token-policy.service.ts.

export interface TokenPolicyRules {
  /** Tokens whose lifetime (expiry minus creation) is longer may not act for the organization. */
  maxLifetimeDays: number | null;
  /** null: every scope; else the scopes a token may use when acting for the organization. */
  allowedScopes: ReadonlySet<Scope> | null;
  /** Only tokens that list this organization explicitly may act for it. */
  requireRestricted: boolean;
  /** No personal access token may act for it (web sessions only). */
  blockPats: boolean;
  /** Members act for it only once they hold a second factor (issue 21), by session or token. */
  requireTwoFactor: boolean;
  /** Members act for it only in a single sign-on session, or by a token of an account linked to it. */
  requireSso: boolean;
}

/** What the sign-in rules look at: the member, not the token. */
export interface MemberFacts {
  twoFactor: boolean;
  /** A session: it was signed in through single sign-on; a token: its owner has a linked identity. */
  sso: boolean;
}

/** What the rules look at: the cached verification result carries all of it. */
export interface TokenFacts {
  scopes: ReadonlySet<Scope>;
  /** null: every organization of its owner; else the ids it lists (empty: personal account only). */
  organizationIds: ReadonlySet<string> | null;
  createdAtMs: number;
  expiresAtMs: number;
}

export type PolicyRule = 'block_pats' | 'require_restricted' | 'max_lifetime' | 'allowed_scopes';

export interface PolicyFinding {
  rule: PolicyRule;
  /** 'refused': the token may not act for the organization; 'limited': only with fewer scopes. */
  effect: 'refused' | 'limited';
  message: string;
}

const DAY_MS = 86_400_000;

export const NO_POLICY: TokenPolicyRules = { maxLifetimeDays: null, allowedScopes: null, requireRestricted: false, blockPats: false, requireTwoFactor: false, requireSso: false };

export function rulesOf(
  row: Pick<OrganizationTokenPolicy, 'max_lifetime_days' | 'allowed_scopes' | 'require_restricted' | 'block_pats' | 'require_two_factor' | 'require_sso'> | null | undefined,
  parseScopes: (s: string) => Scope[],
): TokenPolicyRules {
  if (!row) return NO_POLICY;
  return {
    maxLifetimeDays: row.max_lifetime_days,
    allowedScopes: row.allowed_scopes === null ? null : new Set(parseScopes(row.allowed_scopes)),
    requireRestricted: Number(row.require_restricted) === 1,
    blockPats: Number(row.block_pats) === 1,
    requireTwoFactor: Number(row.require_two_factor) === 1,
    requireSso: Number(row.require_sso) === 1,
  };
}

/** No rule about tokens (the sign-in rules are about members: `memberRefusal`). */
export function isEmptyPolicy(rules: TokenPolicyRules): boolean {
  return rules.maxLifetimeDays === null && rules.allowedScopes === null && !rules.requireRestricted && !rules.blockPats;
}

export function hasMemberRules(rules: TokenPolicyRules): boolean {
  return rules.requireTwoFactor || rules.requireSso;
}

/** The sign-in rules a member does not meet, in the order they should fix them. */
export function missingMemberRules(rules: TokenPolicyRules, member: MemberFacts): Array<'require_two_factor' | 'require_sso'> {
  const missing: Array<'require_two_factor' | 'require_sso'> = [];
  if (rules.requireTwoFactor && !member.twoFactor) missing.push('require_two_factor');
  if (rules.requireSso && !member.sso) missing.push('require_sso');
  return missing;
}

/** The refusal of a member who does not meet the organization's sign-in rules, or null. */
export function memberRefusal(orgName: string, rules: TokenPolicyRules, member: MemberFacts, via: 'session' | 'pat'): { code: 'two_factor_required' | 'sso_required'; message: string } | null {
  const org = `Organization '${orgName}'`;
  const [first] = missingMemberRules(rules, member);
  if (first === 'require_two_factor') {
    return { code: 'two_factor_required', message: `${org} requires its members to use a second factor: add an authenticator app or a passkey under Settings → Sign-in and security (or \`qonduit 2fa enable\`)` };
  }
  if (first === 'require_sso') {
    return {
      code: 'sso_required',
      message:
        via === 'session'
          ? `${org} requires its members to sign in through single sign-on: sign out and sign in with single sign-on`
          : `${org} requires its members to sign in through single sign-on: link your account by signing in with single sign-on once`,
    };
  }
  return null;
}

/**
 * The scopes a token keeps when acting for the organization: those the policy allows; `api`
 * still reads where the policy allows `read_api` (as `api` implies `read_api` everywhere).
 */
export function scopesUnderPolicy(rules: TokenPolicyRules, scopes: ReadonlySet<Scope>): ReadonlySet<Scope> {
  const allowed = rules.allowedScopes;
  if (allowed === null) return scopes;
  const kept = new Set<Scope>();
  for (const s of scopes) {
    if (allowed.has(s)) kept.add(s);
    else if (s === 'api' && allowed.has('read_api')) kept.add('read_api');
  }
  return kept;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Every rule the token breaks for the organization, in the order a member should fix them. The
 * first 'refused' finding is what a refused request says; the settings page lists them all.
 */
export function policyFindings(orgName: string, rules: TokenPolicyRules, token: TokenFacts): PolicyFinding[] {
  const org = `Organization '${orgName}'`;
  const found: PolicyFinding[] = [];
  if (rules.blockPats) {
    found.push({ rule: 'block_pats', effect: 'refused', message: `${org} does not allow personal access tokens to act for it; use the web UI` });
  }
  if (rules.requireRestricted && token.organizationIds === null) {
    found.push({
      rule: 'require_restricted',
      effect: 'refused',
      message: `${org} admits only tokens restricted to chosen organizations that list it; this token may act for every organization of its owner`,
    });
  }
  if (rules.maxLifetimeDays !== null) {
    const lifetimeMs = token.expiresAtMs - token.createdAtMs;
    if (lifetimeMs > rules.maxLifetimeDays * DAY_MS) {
      const days = Math.ceil(lifetimeMs / DAY_MS);
      found.push({
        rule: 'max_lifetime',
        effect: 'refused',
        message: `${org} admits tokens that live at most ${rules.maxLifetimeDays} days; this token expires on ${day(token.expiresAtMs)}, ${days} days after it was made`,
      });
    }
  }
  if (rules.allowedScopes !== null) {
    const kept = scopesUnderPolicy(rules, token.scopes);
    const allowed = [...rules.allowedScopes].sort().join(', ') || 'none';
    if (kept.size === 0) {
      found.push({ rule: 'allowed_scopes', effect: 'refused', message: `${org} allows tokens acting for it only the scopes ${allowed}; this token holds none of them` });
    } else if ([...token.scopes].some((s) => !rules.allowedScopes?.has(s))) {
      found.push({ rule: 'allowed_scopes', effect: 'limited', message: `${org} allows tokens acting for it only the scopes ${allowed}; this token acts for it with ${[...kept].sort().join(', ')}` });
    }
  }
  return found;
}

/** The message of the first rule that refuses the token outright, or null. */
export function policyRefusal(orgName: string, rules: TokenPolicyRules, token: TokenFacts): string | null {
  if (isEmptyPolicy(rules)) return null;
  return policyFindings(orgName, rules, token).find((f) => f.effect === 'refused')?.message ?? null;
}

/** Whether a token restricted to chosen organizations may act for this one (null: unrestricted). */
export function restrictionRefusal(organizationIds: ReadonlySet<string> | null, organizationId: string): string | null {
  if (organizationIds === null || organizationIds.has(organizationId)) return null;
  if (organizationIds.size === 0) return 'This token is restricted to your personal account; it may not act for an organization';
  return `This token is restricted to chosen organizations, and organization ${organizationId} is not one of them`;
}
