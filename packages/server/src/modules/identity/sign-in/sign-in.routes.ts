import { AppError } from '@qonduit/core';
import { ReauthenticateBody, Reauthenticated, SecondFactorLoginBody, UserResponse, withErrors } from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SESSION_COOKIE, principalOf } from '../../../plugins/auth';
import { setSessionCookies, toUserResponse } from '../../accounts/accounts.routes';
import type { AccountService } from '../../accounts/accounts.service';
import type { AuditService } from '../../audit/audit.service';
import { tooMany } from '../second-factors/second-factors.service';
import type { SecondFactorService } from '../second-factors/second-factors.service';

const tags = ['sign-in and security'];

function exactlyOne(body: Record<string, unknown>, fields: string[]): void {
  const given = fields.filter((f) => body[f] !== undefined);
  if (given.length !== 1) {
    throw new AppError('validation_failed', `Give exactly one of ${fields.join(', ')}`, { details: [{ field: fields.join('|'), message: 'exactly one is required' }] });
  }
}

export const signInRoutes: FastifyPluginAsyncTypebox<{
  accounts: AccountService;
  secondFactors: SecondFactorService;
  audit: Pick<AuditService, 'record'>;
  cookieSecure: boolean;
  clock: { now(): Date };
}> = async (app, { accounts, secondFactors, audit, cookieSecure, clock }) => {
  app.post(
    '/api/v1/auth/login/second-factor',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Finish a sign-in that answered second_factor_required, with a code or a recovery code', body: SecondFactorLoginBody, response: withErrors({ 200: UserResponse }) },
    },
    async (request, reply) => {
      exactlyOne(request.body, ['code', 'recovery_code']);
      const result = await secondFactors.completeSignIn(request.body.challenge_id, request.body, request.ip);
      if (!result.ok) {
        if (result.retryAfterSeconds !== undefined) throw tooMany(result.retryAfterSeconds);
        // One answer for a wrong code, a used one, an unknown or expired challenge.
        throw new AppError('unauthenticated', 'Authentication failed: the code is wrong or was used, or the sign-in expired; try again, or sign in again with your password');
      }
      const user = await accounts.getUser(result.userId);
      setSessionCookies(reply, await accounts.createSession(user.id, request.ip, request.headers['user-agent'], true), cookieSecure);
      return toUserResponse(user);
    },
  );

  app.post(
    '/api/v1/auth/reauthenticate',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Step-up: confirm who you are (password, authenticator code or recovery code) before a sensitive action',
        body: ReauthenticateBody,
        response: withErrors({ 200: Reauthenticated }),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const secret = request.cookies[SESSION_COOKIE];
      if (principal.via !== 'session' || !secret) throw new AppError('forbidden', 'Only a web session re-authenticates; a personal access token is its own proof');
      exactlyOne(request.body, ['password', 'code', 'recovery_code']);
      const user = await accounts.getUser(principal.userId);
      let how: string;
      if (request.body.password !== undefined) {
        // The sign-in's own check and limits: a stolen session cannot guess the password faster.
        const result = await accounts.login({ email: user.email, password: request.body.password, ip: request.ip });
        if (!result.ok) {
          if (result.retryAfterSeconds !== undefined) {
            throw new AppError('rate_limited', `Too many attempts; try again in ${result.retryAfterSeconds} s`, { headers: { 'retry-after': String(result.retryAfterSeconds) } });
          }
          throw new AppError('unauthenticated', 'Authentication failed: wrong password');
        }
        how = 'password';
      } else {
        const attempt = await secondFactors.countAttempt(user.id, request.ip);
        if (!attempt.ok) throw tooMany(attempt.retryAfterSeconds);
        const used = await secondFactors.verify(user.id, request.body, request.ip);
        if (!used) throw new AppError('unauthenticated', 'Authentication failed: the code is wrong or was used');
        await secondFactors.attemptSucceeded(user.id, request.ip);
        how = used;
      }
      if (!(await accounts.markReauthenticated(secret))) throw new AppError('unauthenticated', 'Authentication failed: the session has ended; sign in again');
      await audit.record({ account: { id: user.id, type: 'user' }, actor: { userId: user.id, tokenId: null, ip: request.ip }, action: 'user.reauthenticated', target: { type: 'user', id: user.id }, details: { method: how } });
      return { authenticated_at: clock.now().toISOString() };
    },
  );
};
