import { AppError } from '@qonduit/core';
import { LoginBody, SignupBody, UserResponse, withErrors } from '@qonduit/contract';
import type { SecondFactorChallenge } from '@qonduit/contract';
import type { User } from '@qonduit/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { CSRF_COOKIE, SESSION_COOKIE, principalOf } from '../../plugins/auth';
import type { AccountService, NewSessionTokens } from './accounts.service';

export function toUserResponse(user: User) {
  return { id: user.id, email: user.email, name: user.name, created_at: user.created_at };
}

export function setSessionCookies(reply: FastifyReply, tokens: NewSessionTokens, cookieSecure: boolean): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: cookieSecure, expires: tokens.expiresAt };
  void reply.setCookie(SESSION_COOKIE, tokens.sessionSecret, { ...common, httpOnly: true });
  // Readable by the web UI's script, which echoes it in X-CSRF-Token.
  void reply.setCookie(CSRF_COOKIE, tokens.csrfToken, { ...common, httpOnly: false });
}

/** A sign-in's first factor was right: the second factor still to come, or null for none. */
export type StartSecondFactor = (userId: string, method: 'password' | 'oidc') => Promise<SecondFactorChallenge | null>;

export function secondFactorRequired(challenge: SecondFactorChallenge): AppError {
  const how = [challenge.methods.includes('totp') ? 'a code from your authenticator app' : null, challenge.methods.includes('webauthn') ? 'your passkey' : null, challenge.methods.includes('recovery_code') ? 'a recovery code' : null]
    .filter(Boolean)
    .join(', or ');
  return new AppError('second_factor_required', `The password was right; finish signing in with ${how} (POST /api/v1/auth/login/second-factor with this challenge id)`, { challenge });
}

export const accountRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountService; cookieSecure: boolean; startSecondFactor: StartSecondFactor }> = async (
  app,
  { accounts, cookieSecure, startSecondFactor },
) => {
  app.post(
    '/api/v1/auth/signup',
    {
      config: { access: 'public', rateLimit: 'signup' },
      schema: { tags: ['accounts'], summary: 'Create an account and sign in', body: SignupBody, response: withErrors({ 201: UserResponse }) },
    },
    async (request, reply) => {
      const user = await accounts.signup({ ...request.body, ip: request.ip });
      setSessionCookies(reply, await accounts.createSession(user.id, request.ip, request.headers['user-agent']), cookieSecure);
      request.log.info({ user_id: user.id }, 'account created');
      return reply.status(201).send(toUserResponse(user));
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: { tags: ['accounts'], summary: 'Sign in with email and password', body: LoginBody, response: withErrors({ 200: UserResponse }) },
    },
    async (request, reply) => {
      const result = await accounts.login({ ...request.body, ip: request.ip });
      if (!result.ok) {
        if (result.retryAfterSeconds !== undefined) {
          throw new AppError('rate_limited', `Too many sign-in attempts; try again in ${result.retryAfterSeconds} s`, {
            headers: { 'retry-after': String(result.retryAfterSeconds) },
          });
        }
        throw new AppError('unauthenticated', 'Authentication failed: wrong email or password');
      }
      // The password is one factor; an account with a second one gets a challenge, not a session.
      const challenge = await startSecondFactor(result.user.id, 'password');
      if (challenge) throw secondFactorRequired(challenge);
      setSessionCookies(reply, await accounts.createSession(result.user.id, request.ip, request.headers['user-agent'], true), cookieSecure);
      return toUserResponse(result.user);
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['accounts'], summary: 'End the web session', response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (principalOf(request).via === 'session' && secret) await accounts.logout(secret, request.ip);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/user',
    {
      config: { access: 'read_api' },
      schema: { tags: ['accounts'], summary: 'The signed-in user', response: withErrors({ 200: UserResponse }) },
    },
    async (request) => toUserResponse(await accounts.getUser(principalOf(request).userId)),
  );
};
