import {
  OrgParams,
  OrgProviderParams,
  Page,
  AuditEventQuery,
  AuditEventResponse,
  ProviderParams,
  ProviderResponse,
  ProviderTokenResponse,
  PutProviderTokenBody,
  VerifyProviderTokenResponse,
  withErrors,
} from '@qonduit/contract';
import { PROVIDER_CATALOG } from '@qonduit/runtime';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../plugins/auth';
import type { AuditService } from '../audit/audit.service';
import type { OrgAction } from '../orgs/org-policy';
import type { OrgService } from '../orgs/orgs.service';
import { actorOf } from '../tokens/tokens.service';
import { requireProviderId } from './provider-tokens.service';
import type { ProviderTokenService, TokenAccount } from './provider-tokens.service';

const tags = ['provider access tokens'];

export const providerTokenRoutes: FastifyPluginAsyncTypebox<{ providerTokens: ProviderTokenService; orgs: OrgService; audit: AuditService }> = async (
  app,
  { providerTokens, orgs, audit },
) => {
  const userAccount = (request: FastifyRequest): TokenAccount => ({ id: principalOf(request).userId, type: 'user' });

  /** The organization's account when the policy table lets the caller's role act; non-members get 404. */
  async function orgAccount(request: FastifyRequest, org: string, action: OrgAction): Promise<TokenAccount> {
    await orgs.authorize(principalOf(request).userId, org, action);
    return { id: org, type: 'organization' };
  }

  const actor = (request: FastifyRequest) => ({ ...actorOf(principalOf(request), request.ip), userId: principalOf(request).userId });

  app.get(
    '/api/v1/providers',
    { config: { access: 'read_api' }, schema: { tags, summary: 'The provider catalog: credential fields and where to get a token', response: withErrors({ 200: Type.Array(ProviderResponse) }) } },
    async () => PROVIDER_CATALOG.map((p) => ({ ...p, fields: [...p.fields] })),
  );

  // The same four routes for the user's own tokens and for an organization's.
  for (const scope of ['user', 'org'] as const) {
    const base = scope === 'user' ? '/api/v1/user/provider-tokens' : '/api/v1/orgs/:org/provider-tokens';
    const listParams = scope === 'user' ? undefined : OrgParams;
    const oneParams = scope === 'user' ? ProviderParams : OrgProviderParams;
    const account = (request: FastifyRequest, manage: boolean) => {
      const params = request.params as { org?: string };
      return scope === 'user' || !params.org
        ? Promise.resolve(userAccount(request))
        : orgAccount(request, params.org, manage ? 'manage_provider_tokens' : 'read');
    };
    const who = scope === 'user' ? 'your' : "the organization's";

    app.get(
      base,
      { config: { access: 'read_api' }, schema: { tags, summary: `List ${who} provider tokens (masked)`, ...(listParams ? { params: listParams } : {}), response: withErrors({ 200: Page(ProviderTokenResponse) }) } },
      async (request) => ({ items: await providerTokens.list(await account(request, false)), next_cursor: null }),
    );

    app.get(
      `${base}/:provider`,
      { config: { access: 'read_api' }, schema: { tags, summary: `One of ${who} provider tokens (masked)`, params: oneParams, response: withErrors({ 200: ProviderTokenResponse }) } },
      async (request) => {
        const provider = requireProviderId(request.params.provider);
        return providerTokens.get(await account(request, false), provider);
      },
    );

    app.put(
      `${base}/:provider`,
      { config: { access: 'api', stepUp: 'recent_session_or_token' }, schema: { tags, summary: `Add or replace ${who} token for a provider`, params: oneParams, body: PutProviderTokenBody, response: withErrors({ 200: ProviderTokenResponse, 201: ProviderTokenResponse }) } },
      async (request, reply) => {
        const target = await account(request, true);
        const provider = requireProviderId(request.params.provider);
        const { created, token } = await providerTokens.put(target, actor(request), provider, request.body.credentials);
        return reply.status(created ? 201 : 200).send(token);
      },
    );

    app.delete(
      `${base}/:provider`,
      { config: { access: 'api' }, schema: { tags, summary: `Delete ${who} token for a provider`, params: oneParams, response: withErrors({ 204: Type.Null() }) } },
      async (request, reply) => {
        const target = await account(request, true);
        await providerTokens.remove(target, actor(request), requireProviderId(request.params.provider));
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${base}/:provider/verify`,
      { config: { access: 'api' }, schema: { tags, summary: `Check ${who} token against the provider now`, params: oneParams, response: withErrors({ 200: VerifyProviderTokenResponse }) } },
      async (request) => {
        const target = await account(request, true);
        return providerTokens.verify(target, actor(request), requireProviderId(request.params.provider));
      },
    );
  }

  app.get(
    '/api/v1/orgs/:org/audit-events',
    { config: { access: 'read_api' }, schema: { tags: ['audit'], summary: "The organization's audit events, newest first (every member, as DESIGN.md's role table says); filter by actor, action (or a prefix such as `member.`) and time", params: OrgParams, querystring: AuditEventQuery, response: withErrors({ 200: Page(AuditEventResponse) }) } },
    async (request) => {
      await orgAccount(request, request.params.org, 'read');
      return audit.list(request.params.org, request.query);
    },
  );
};
