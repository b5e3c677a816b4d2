import { AppError, safeEqual, sha256Hex } from '@qonduit/core';
import { SCOPES } from '@qonduit/contract';
import type { Role, Scope } from '@qonduit/contract';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasMemberRules, memberRefusal, policyRefusal, restrictionRefusal, scopesUnderPolicy } from '../modules/orgs/token-policy';
import type { TokenFacts, TokenPolicyRules } from '../modules/orgs/token-policy';

/**
 * What a route needs, declared on every route in one place (`config.access`):
 * - 'public': no authentication;
 * - 'authenticated': any valid session or token, whatever its scopes;
 * - a scope: a session, or a token holding that scope (`api` implies `read_api`);
 * - several scopes: a session, or a token holding any one of them. A route declares that when
 *   what it needs depends on the request (a job on local.simulator spends no provider token);
 *   it then asks for the rest itself with `requireScope`.
 */
export type Access = 'public' | 'authenticated' | Scope | readonly Scope[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    orgContext: OrgContext | null;
  }
}

export interface Principal {
  userId: string;
  via: 'session' | 'pat';
  scopes: ReadonlySet<Scope>;
  /** The PAT used for this request, when via = 'pat'. */
  tokenId: string | null;
  /** What an organization's token policy looks at, when via = 'pat'. */
  token?: TokenFacts;
  /** via = 'session': when its holder last proved who they are (step-up); 0 for a token. */
  authenticatedAtMs: number;
  /** via = 'session': how it was signed in; null for a token. */
  signedInWith: 'password' | 'oidc' | null;
}

export interface OrgContext {
  organizationId: string;
  role: Role;
}

export interface SessionLookup {
  userId: string;
  csrfDigest: string;
  authenticatedAtMs: number;
  /** How the session was signed in (absent: by password). */
  method?: 'password' | 'oidc';
}

export interface PatLookup {
  userId: string;
  tokenId: string;
  scopes: ReadonlySet<Scope>;
  /** null or absent: every organization of its owner; else the only ones it may act for. */
  organizationIds?: ReadonlySet<string> | null;
  createdAtMs?: number;
  expiresAtMs?: number;
}

export type PatVerification = { ok: true; token: PatLookup } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' | 'ip_refused' };

export interface AuthDeps {
  resolveSession(secret: string): Promise<SessionLookup | null>;
  verifyPat(token: string, ip: string): Promise<PatVerification>;
  membershipRole(organizationId: string, userId: string): Promise<Role | null>;
  /** An organization's name and token policy (cached; null: no such organization). */
  tokenPolicy?(organizationId: string): Promise<{ name: string; rules: TokenPolicyRules } | null>;
  /** What an organization's sign-in rules look at; asked only for an organization that has them. */
  memberFacts?(userId: string): Promise<{ twoFactor: boolean; ssoLinked: boolean }>;
}

export const SESSION_COOKIE = 'qonduit_session';
export const CSRF_COOKIE = 'qonduit_csrf';
const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the scopes satisfy a need: one scope, or any one of several. */
export function holdsScope(scopes: ReadonlySet<Scope>, needed: Scope | readonly Scope[]): boolean {
  // On every request: no arrays or sets built here (scopesSatisfying is for refusals).
  if (typeof needed === 'string') return scopes.has(needed) || (needed === 'read_api' && scopes.has('api'));
  for (const scope of needed) if (scopes.has(scope) || (scope === 'read_api' && scopes.has('api'))) return true;
  return false;
}

/** The scopes that would satisfy a need, for the insufficient_scope message. */
export function scopesSatisfying(needed: Scope | readonly Scope[]): Scope[] {
  const anyOf: readonly Scope[] = typeof needed === 'string' ? [needed] : needed;
  return [...new Set(anyOf.flatMap((s): Scope[] => (s === 'read_api' ? ['read_api', 'api'] : [s])))];
}

function insufficientScope(needed: Scope | readonly Scope[], why?: string): AppError {
  const would = scopesSatisfying(needed);
  const sentence = `This request needs a token with the ${would.map((s) => `'${s}'`).join(' or ')} scope`;
  return new AppError('insufficient_scope', why ? `${why}: ${sentence[0]?.toLowerCase()}${sentence.slice(1)}` : sentence, {
    headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${would.join(' ')}"` },
    details: [{ field: 'scope', message: `needs one of: ${would.join(', ')}` }],
  });
}

/** For a route whose `config.access` lists several scopes: what this request needs beyond that, and why. */
export function requireScope(request: FastifyRequest, needed: Scope, why: string): void {
  if (!holdsScope(principalOf(request).scopes, needed)) throw insufficientScope(needed, why);
}

const REASONS: Record<Exclude<PatVerification, { ok: true }>['reason'], string> = {
  malformed: 'the token is malformed',
  unknown: 'the token is not valid',
  expired: 'the token has expired',
  revoked: 'the token has been revoked',
  // Exactly the answer to a token that does not exist (CONVENTIONS #6): the address is no hint
  // to whoever holds a stolen token. The owner sees the refusal in their audit log.
  ip_refused: 'the token is not valid',
};

function unauthenticated(reason: string, bearer: boolean): AppError {
  return new AppError('unauthenticated', `Authentication failed: ${reason}`, {
    headers: {
      'www-authenticate': bearer ? `Bearer error="invalid_token", error_description="${reason}"` : 'Bearer',
    },
  });
}

function presentedToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? header;
  }
  const planqk = request.headers['x-auth-token'];
  return typeof planqk === 'string' ? planqk.trim() : null;
}

async function authenticate(deps: AuthDeps, request: FastifyRequest): Promise<Principal> {
  const token = presentedToken(request);
  if (token !== null) {
    const result = await deps.verifyPat(token, request.ip);
    if (!result.ok) throw unauthenticated(REASONS[result.reason], true);
    const t = result.token;
    return {
      userId: t.userId,
      via: 'pat',
      scopes: t.scopes,
      tokenId: t.tokenId,
      token: { scopes: t.scopes, organizationIds: t.organizationIds ?? null, createdAtMs: t.createdAtMs ?? 0, expiresAtMs: t.expiresAtMs ?? 0 },
      authenticatedAtMs: 0,
      signedInWith: null,
    };
  }
  const secret = request.cookies[SESSION_COOKIE];
  if (!secret) throw unauthenticated('sign in, or send a personal access token', false);
  const session = await deps.resolveSession(secret);
  if (!session) throw unauthenticated('the session has ended; sign in again', false);
  if (!SAFE_METHODS.has(request.method)) {
    // Double submit, bound to the session: the header must carry the session's CSRF value.
    const header = request.headers['x-csrf-token'];
    if (typeof header !== 'string' || !safeEqual(sha256Hex(header), session.csrfDigest)) {
      throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write');
    }
  }
  return { userId: session.userId, via: 'session', scopes: ALL_SCOPES, tokenId: null, authenticatedAtMs: session.authenticatedAtMs, signedInWith: session.method ?? 'password' };
}

export function registerAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('orgContext', null);

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    // Routes without a declaration (404s, the docs) need nothing; buildApp refuses API routes
    // that forget to declare, so this never opens an API route by accident.
    if (access === undefined || access === 'public') return;
    const principal = await authenticate(deps, request);
    if (access !== 'authenticated' && !holdsScope(principal.scopes, access)) throw insufficientScope(access);
    request.principal = principal;
    const orgHeader = request.headers['x-organizationid'];
    if (typeof orgHeader === 'string' && orgHeader !== '') {
      const role = orgHeader.length <= 64 ? await deps.membershipRole(orgHeader, principal.userId) : null;
      if (!role) throw new AppError('forbidden', 'You are not a member of the organization named in X-OrganizationId');
      request.orgContext = { organizationId: orgHeader, role };
      if (principal.token) request.principal = await actingFor(deps, principal, principal.token, orgHeader, access, true);
      await meetsSignInRules(deps, principal, orgHeader, true);
    }
    // A route on an organization (/api/v1/orgs/{org}/...) acts for it too, header or not.
    const pathOrg = orgOfPath(request);
    if (pathOrg !== null && pathOrg !== request.orgContext?.organizationId) {
      if (request.principal.token) request.principal = await actingFor(deps, request.principal, request.principal.token, pathOrg, access, false);
      await meetsSignInRules(deps, principal, pathOrg, false);
    }
  });
}

/**
 * An organization's sign-in rules (issue 21: require_two_factor, require_sso) bind its members
 * whichever way they come in, session or token. The policy comes from memory; the member's
 * facts are read only for an organization that has such a rule.
 */
async function meetsSignInRules(deps: AuthDeps, principal: Principal, organizationId: string, member: boolean): Promise<void> {
  const policy = deps.tokenPolicy && deps.memberFacts ? await deps.tokenPolicy(organizationId) : null;
  if (!policy || !hasMemberRules(policy.rules) || !deps.memberFacts) return;
  const facts = await deps.memberFacts(principal.userId);
  // A session signed in through single sign-on; a token whose owner's account is linked to it.
  const sso = principal.via === 'session' ? principal.signedInWith === 'oidc' : facts.ssoLinked;
  const refused = memberRefusal(policy.name, policy.rules, { twoFactor: facts.twoFactor, sso }, principal.via);
  if (!refused) return;
  // A non-member learns nothing about the organization: its routes answer them 404.
  if (!member && !(await deps.membershipRole(organizationId, principal.userId))) return;
  throw new AppError(refused.code, refused.message);
}

function orgOfPath(request: FastifyRequest): string | null {
  if (!request.routeOptions.url?.startsWith('/api/v1/orgs/:org')) return null;
  const org = (request.params as { org?: unknown } | undefined)?.org;
  return typeof org === 'string' && org !== '' && org.length <= 64 ? org : null;
}

/**
 * What a personal access token may do when it acts for an organization: the organizations it is
 * restricted to, then the organization's token policy (issue 16). Both come from memory (the
 * token from the verifier's cache, the policy from its own, each dropped through the
 * invalidation bus when it changes), so the warm path costs no query. Answers the principal with
 * the scopes the policy leaves it.
 *
 * `member`: the caller is known to be a member. For an organization named only in the path, a
 * policy refusal is answered only once membership is confirmed, so that a non-member learns
 * nothing about an organization (the route answers them 404).
 */
async function actingFor(deps: AuthDeps, principal: Principal, token: TokenFacts, organizationId: string, access: Access, member: boolean): Promise<Principal> {
  const restricted = restrictionRefusal(token.organizationIds, organizationId);
  if (restricted) throw new AppError('forbidden', restricted);
  const policy = deps.tokenPolicy ? await deps.tokenPolicy(organizationId) : null;
  if (!policy) return principal;
  const refused = policyRefusal(policy.name, policy.rules, token);
  if (refused) {
    if (!member && !(await deps.membershipRole(organizationId, principal.userId))) return principal;
    throw new AppError('forbidden', refused);
  }
  const scopes = scopesUnderPolicy(policy.rules, principal.scopes);
  if (scopes === principal.scopes) return principal;
  if (access !== 'authenticated' && access !== 'public' && !holdsScope(scopes, access)) {
    if (!member && !(await deps.membershipRole(organizationId, principal.userId))) return principal;
    const allowed = [...(policy.rules.allowedScopes ?? [])].sort().join(', ') || 'none';
    throw insufficientScope(access, `Organization '${policy.name}' allows tokens acting for it only the scopes ${allowed}`);
  }
  return { ...principal, scopes };
}

/** The authenticated caller of a route whose access is not 'public'. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Authentication failed: sign in, or send a personal access token');
  return request.principal;
}
