import {
  AuthorizeResponse,
  CreateTokenBody,
  NewTokenResponse,
  RevokeLeakedBody,
  RevokeLeakedResponse,
  RotateTokenBody,
  TokenListQuery,
  TokenParams,
  TokenResponse,
  UpdateTokenBody,
  Page,
  withErrors,
} from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../plugins/auth';
import type { AccountService } from '../accounts/accounts.service';
import type { TokenService } from './tokens.service';

const tags = ['personal access tokens'];

export const tokenRoutes: FastifyPluginAsyncTypebox<{ tokens: TokenService; accounts: AccountService }> = async (app, { tokens, accounts }) => {
  app.post(
    '/api/v1/user/tokens',
    { config: { access: 'api', rateLimit: 'token_create', stepUp: 'recent_session_or_token' }, schema: { tags, summary: 'Create a personal access token (the secret is in this answer only)', body: CreateTokenBody, response: withErrors({ 201: NewTokenResponse }) } },
    async (request, reply) => reply.status(201).send(await tokens.create(principalOf(request), request.ip, request.body)),
  );

  app.get(
    '/api/v1/user/tokens',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Your tokens, newest first', querystring: TokenListQuery, response: withErrors({ 200: Page(TokenResponse) }) } },
    async (request) => tokens.list(principalOf(request).userId, request.query),
  );

  app.get(
    '/api/v1/user/tokens/self',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'The token this request was made with', response: withErrors({ 200: TokenResponse }) } },
    async (request) => tokens.self(principalOf(request)),
  );

  app.get(
    '/api/v1/user/tokens/:id',
    { config: { access: 'read_api' }, schema: { tags, summary: 'One of your tokens', params: TokenParams, response: withErrors({ 200: TokenResponse }) } },
    async (request) => tokens.get(principalOf(request).userId, request.params.id),
  );

  app.delete(
    '/api/v1/user/tokens/:id',
    { config: { access: 'api' }, schema: { tags, summary: 'Revoke a token', params: TokenParams, response: withErrors({ 204: Type.Null() }) } },
    async (request, reply) => {
      await tokens.revoke(principalOf(request), request.ip, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/v1/user/tokens/:id',
    { config: { access: 'api' }, schema: { tags, summary: 'Change where a token may be used from (its IP allowlist)', params: TokenParams, body: UpdateTokenBody, response: withErrors({ 200: TokenResponse }) } },
    async (request) => tokens.update(principalOf(request), request.ip, request.params.id, request.body),
  );

  app.post(
    '/api/v1/user/tokens/:id/rotate',
    { config: { access: 'api', rateLimit: 'token_create', stepUp: 'recent_session_or_token' }, schema: { tags, summary: 'Revoke a token and issue its successor', params: TokenParams, body: Type.Union([RotateTokenBody, Type.Null()]), response: withErrors({ 200: NewTokenResponse }) } },
    async (request) => tokens.rotate(principalOf(request), request.ip, request.params.id, request.body ?? {}),
  );

  app.post(
    '/api/v1/tokens/revoke',
    {
      config: { access: 'public', rateLimit: 'leaked_token_revoke' },
      schema: {
        tags,
        summary: 'Revoke leaked tokens (no authentication; answers only how many were revoked)',
        body: RevokeLeakedBody,
        response: withErrors({ 200: RevokeLeakedResponse }),
      },
    },
    async (request) => ({ revoked: await tokens.revokeLeaked(request.body.tokens, request.ip) }),
  );

  // PlanQK's CLI checks a token here at login.
  app.post(
    '/authorize',
    { config: { access: 'authenticated' }, schema: { tags: ['planqk'], summary: 'Check a token (PlanQK CLI login)', response: withErrors({ 200: AuthorizeResponse }) } },
    async (request) => {
      const user = await accounts.getUser(principalOf(request).userId);
      const [firstName = user.name, ...rest] = user.name.split(' ');
      return {
        user: { id: user.id, username: user.email, firstName, lastName: rest.join(' '), email: user.email },
        roles: ['USER'],
      };
    },
  );
};
