import {
  MemberComplianceQuery,
  MemberComplianceResponse,
  OrgParams,
  PatchTokenPolicyBody,
  PolicyAffectedTokensQuery,
  PolicyAffectedTokensResponse,
  SetTokenPolicyBody,
  TokenPolicyResponse,
  withErrors,
} from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../plugins/auth';
import type { TokenPolicyService } from './token-policy.service';

const tags = ['organizations'];

// Who may do what is in org-policy.ts (read_token_policy, token_policy, review_member_tokens).
export const tokenPolicyRoutes: FastifyPluginAsyncTypebox<{ policies: TokenPolicyService; ssoLinked: (userIds: string[]) => Promise<ReadonlySet<string>> }> = async (app, { policies, ssoLinked }) => {
  app.get(
    '/api/v1/orgs/:org/token-policy',
    { config: { access: 'read_api' }, schema: { tags, summary: "The organization's token policy (every member)", params: OrgParams, response: withErrors({ 200: TokenPolicyResponse }) } },
    async (request) => policies.get(principalOf(request).userId, request.params.org),
  );

  app.put(
    '/api/v1/orgs/:org/token-policy',
    {
      config: { access: 'api' },
      schema: { tags, summary: "Set the organization's token policy (owners); applies at once to existing tokens", params: OrgParams, body: SetTokenPolicyBody, response: withErrors({ 200: TokenPolicyResponse }) },
    },
    async (request) => policies.set(principalOf(request), request.ip, request.params.org, request.body),
  );

  app.patch(
    '/api/v1/orgs/:org/token-policy',
    {
      config: { access: 'api' },
      schema: { tags, summary: "Change rules of the organization's token policy (owners); the others are kept", params: OrgParams, body: PatchTokenPolicyBody, response: withErrors({ 200: TokenPolicyResponse }) },
    },
    async (request) => policies.patch(principalOf(request), request.ip, request.params.org, request.body),
  );

  app.get(
    '/api/v1/orgs/:org/token-policy/affected-tokens',
    {
      config: { access: 'read_api' },
      schema: {
        tags,
        summary: "Members' active tokens the token policy refuses or limits, and why (owners: everyone's; others: ?member=<their id>)",
        params: OrgParams,
        querystring: PolicyAffectedTokensQuery,
        response: withErrors({ 200: PolicyAffectedTokensResponse }),
      },
    },
    async (request) => policies.affectedTokens(principalOf(request).userId, request.params.org, request.query.member),
  );

  app.get(
    '/api/v1/orgs/:org/token-policy/compliance',
    {
      config: { access: 'read_api' },
      schema: {
        tags,
        summary: 'Members and whether they meet the sign-in rules (require_two_factor, require_sso); owners only',
        params: OrgParams,
        querystring: MemberComplianceQuery,
        response: withErrors({ 200: MemberComplianceResponse }),
      },
    },
    async (request) => policies.memberCompliance(principalOf(request).userId, request.params.org, request.query.noncompliant === true, ssoLinked),
  );
};
