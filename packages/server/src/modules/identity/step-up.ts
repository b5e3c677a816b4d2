import { AppError } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { FastifyInstance } from 'fastify';

/**
 * Step-up ("sudo mode", issue 21): what a route that hands out or spends credentials needs
 * beyond its scope, declared beside `access` as `config.stepUp`:
 * - 'recent_session_or_token': a web session must have proved who its holder is within the last
 *   QONDUIT_STEP_UP_MINUTES (password, second factor or single sign-on); a personal access token
 *   passes, the token being its own proof;
 * - 'recent_session': as above, and no token at all (adding or removing a second factor: a
 *   stolen token must never be able to take over the account's sign-in).
 */
export type StepUp = 'recent_session' | 'recent_session_or_token';

declare module 'fastify' {
  interface FastifyContextConfig {
    stepUp?: StepUp;
  }
}

export function stepUpRefusal(minutes: number): AppError {
  return new AppError(
    'reauthentication_required',
    `This action needs a recent sign-in: your last one was more than ${minutes} minutes ago. Confirm who you are with your password, an authentication code or a passkey (POST /api/v1/auth/reauthenticate), then try again`,
  );
}

/** Registered after the auth hook, which has set the principal by then. */
export function registerStepUp(app: FastifyInstance, deps: { clock: Clock; minutes: number }): void {
  const windowMs = deps.minutes * 60_000;
  app.addHook('onRequest', async (request) => {
    const needed = request.routeOptions.config.stepUp;
    if (needed === undefined) return;
    const principal = request.principal;
    // A route that declares step-up also declares access; without a principal it has refused already.
    if (!principal) return;
    if (principal.via === 'pat') {
      if (needed === 'recent_session') {
        throw new AppError('forbidden', 'A personal access token cannot add or remove a second factor or recovery codes; do it in the web UI (Settings → Sign-in and security)');
      }
      return;
    }
    if (deps.clock.now().getTime() - principal.authenticatedAtMs > windowMs) throw stepUpRefusal(deps.minutes);
  });
}
