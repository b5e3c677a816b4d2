import type { RequestOptions, Transport } from './http';
import type { MemberCompliance, PolicyAffectedTokens, TokenPolicy, TokenPolicyChange, TokenPolicyRequest } from './types';

const enc = encodeURIComponent;

/**
 * An organization's token policy (what a personal access token must be to act for it): every
 * member reads it, owners set it. It applies at once to tokens that already exist.
 */
export function createTokenPolicyApi(request: Transport) {
  const path = (org: string) => `/api/v1/orgs/${enc(org)}/token-policy`;
  return {
    get: (org: string, options?: RequestOptions) => request<TokenPolicy>({ method: 'GET', path: path(org) }, options),
    /** Replaces the whole policy (owners); every rule must be given. */
    set: (org: string, body: TokenPolicyRequest, options?: RequestOptions) => request<TokenPolicy>({ method: 'PUT', path: path(org), body }, options),
    /** Changes the rules given and keeps the others (owners). */
    update: (org: string, change: TokenPolicyChange, options?: RequestOptions) => request<TokenPolicy>({ method: 'PATCH', path: path(org), body: change }, options),
    /**
     * Members' active tokens the policy refuses or limits, and why. Owners see everyone's; other
     * members pass `{ member: <their user id> }` to see their own.
     */
    affectedTokens: (org: string, query: { member?: string } = {}, options?: RequestOptions) =>
      request<PolicyAffectedTokens>({ method: 'GET', path: `${path(org)}/affected-tokens`, query: { ...query } }, options),
    /** Members and whether they meet the sign-in rules (require_two_factor, require_sso); owners only. */
    compliance: (org: string, query: { noncompliant?: boolean } = {}, options?: RequestOptions) =>
      request<MemberCompliance>({ method: 'GET', path: `${path(org)}/compliance`, query: query.noncompliant ? { noncompliant: 'true' } : {} }, options),
  };
}

export type TokenPolicyApi = ReturnType<typeof createTokenPolicyApi>;
