import {
  FactorParams,
  RecoveryCodes,
  TotpConfirmBody,
  TotpConfirmed,
  TotpEnrolBody,
  TotpEnrolment,
  TwoFactorStatus,
  withErrors,
} from '@qonduit/contract';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { principalOf } from '../../../plugins/auth';
import type { AccountService } from '../../accounts/accounts.service';
import type { SecondFactorService } from './second-factors.service';

const tags = ['sign-in and security'];

// Settings → Sign-in and security. Adding or removing a factor, and new recovery codes, need a
// recent web session and never a token (config.stepUp, step-up.ts): whoever holds a stolen
// token or an old session must not be able to take over the account's sign-in.
export const secondFactorRoutes: FastifyPluginAsyncTypebox<{ secondFactors: SecondFactorService; accounts: AccountService }> = async (app, { secondFactors, accounts }) => {
  app.get(
    '/api/v1/user/two-factor',
    { config: { access: 'read_api' }, schema: { tags, summary: 'Your second factors and how many recovery codes are left', response: withErrors({ 200: TwoFactorStatus }) } },
    async (request) => secondFactors.status(principalOf(request).userId),
  );

  app.post(
    '/api/v1/user/two-factor/totp',
    {
      config: { access: 'api', stepUp: 'recent_session' },
      schema: { tags, summary: 'Start adding an authenticator app: its secret and QR code, shown once', body: TotpEnrolBody, response: withErrors({ 201: TotpEnrolment }) },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const user = await accounts.getUser(principal.userId);
      return reply.status(201).send(await secondFactors.beginTotp(principal, user.email, request.body.name));
    },
  );

  app.post(
    '/api/v1/user/two-factor/totp/:id/confirm',
    {
      config: { access: 'api', stepUp: 'recent_session' },
      schema: { tags, summary: 'Confirm an authenticator app with one of its codes (the first factor also answers the recovery codes)', params: FactorParams, body: TotpConfirmBody, response: withErrors({ 200: TotpConfirmed }) },
    },
    async (request) => secondFactors.confirmTotp(principalOf(request), request.ip, request.params.id, request.body.code),
  );

  app.delete(
    '/api/v1/user/two-factor/factors/:id',
    {
      config: { access: 'api', stepUp: 'recent_session' },
      schema: { tags, summary: 'Remove a second factor (the last one also removes the recovery codes)', params: FactorParams, response: withErrors({ 204: Type.Null() }) },
    },
    async (request, reply) => {
      await secondFactors.remove(principalOf(request), request.ip, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/user/two-factor/recovery-codes',
    {
      config: { access: 'api', stepUp: 'recent_session' },
      schema: { tags, summary: 'Replace your recovery codes with ten new ones, shown once', response: withErrors({ 200: RecoveryCodes }) },
    },
    async (request) => ({ recovery_codes: await secondFactors.regenerateRecoveryCodes(principalOf(request), request.ip) }),
  );
};
