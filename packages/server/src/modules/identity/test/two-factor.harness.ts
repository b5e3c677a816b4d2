import type { LightMyRequestResponse } from 'fastify';
import { browserFrom } from '../../../test/harness';
import type { Browser, TestApp } from '../../../test/harness';
import { totpCodeAt } from '../second-factors/totp';

export const PASSWORD = 'correct horse battery staple';

/** The code an authenticator app shows now, at the server's clock. */
export function codeNow(t: TestApp, secret: string): string {
  return totpCodeAt(secret, t.clock.now().getTime());
}

export interface Enrolled {
  factorId: string;
  secret: string;
  recoveryCodes: string[];
}

/** Adds and confirms an authenticator app as the web UI does; fails the test when a step does. */
export async function enrolTotp(t: TestApp, user: Browser): Promise<Enrolled> {
  const begun = await user.request({ method: 'POST', url: '/api/v1/user/two-factor/totp', payload: {} });
  if (begun.statusCode !== 201) throw new Error(`enrolment failed: ${begun.statusCode} ${begun.body}`);
  const { id, secret } = begun.json<{ id: string; secret: string }>();
  const confirmed = await user.request({ method: 'POST', url: `/api/v1/user/two-factor/totp/${id}/confirm`, payload: { code: codeNow(t, secret) } });
  if (confirmed.statusCode !== 200) throw new Error(`confirmation failed: ${confirmed.statusCode} ${confirmed.body}`);
  // The step just used is spent: the next code the test computes must be of a later one.
  t.clock.advance(30_000);
  return { factorId: id, secret, recoveryCodes: confirmed.json<{ recovery_codes?: string[] }>().recovery_codes ?? [] };
}

export async function passwordLogin(t: TestApp, email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  return t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
}

export function challengeOf(res: LightMyRequestResponse): { id: string; methods: string[]; expires_at: string } {
  const body = res.json<{ error: { code: string; challenge?: { id: string; methods: string[]; expires_at: string } } }>();
  if (res.statusCode !== 401 || body.error.code !== 'second_factor_required' || !body.error.challenge) throw new Error(`expected second_factor_required, got ${res.statusCode} ${res.body}`);
  return body.error.challenge;
}

/** A full sign-in with password and a TOTP code; a new browser for the new session. */
export async function signInWithTotp(t: TestApp, email: string, secret: string): Promise<Browser> {
  const challenge = challengeOf(await passwordLogin(t, email));
  const res = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: codeNow(t, secret) } });
  if (res.statusCode !== 200) throw new Error(`second factor failed: ${res.statusCode} ${res.body}`);
  t.clock.advance(30_000);
  return browserFrom(t, res, email);
}

export const sessionCookie = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'qonduit_session');
