import { AppError, newId, newSecret, notFound, openCredential, parseSealed, sealCredential, serializeSealed, sha256Hex } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { SecondFactorChallenge } from '@qonduit/contract';
import type { Database, SecondFactor } from '@qonduit/db';
import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { Principal } from '../../../plugins/auth';
import type { RateLimiter } from '../../../plugins/rate-limit';
import type { AuditService } from '../../audit/audit.service';
import type { KeyringHolder } from '../../keys/keyring-holder';
import { actorOf } from '../../tokens/tokens.service';
import { newRecoveryCodes, recoveryCodeDigest } from './recovery-codes';
import * as store from './second-factors.store';
import { newTotpSecret, totpStepOf, totpUri } from './totp';

/** How long a sign-in waits for its second factor, and how many wrong answers it takes. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const CHALLENGE_MAX_ATTEMPTS = 5;
/** The label sealed TOTP secrets carry in their associated data (never a provider's name). */
const TOTP_AAD = 'totp';

export interface SecondFactorAnswer {
  code?: string | undefined;
  recovery_code?: string | undefined;
}

export type SignInMethod = 'password' | 'oidc';

export function factorView(f: SecondFactor) {
  return { id: f.id, kind: f.kind, name: f.name, created_at: f.created_at, last_used_at: f.last_used_at };
}

/**
 * Second factors (issue 21): TOTP authenticators, recovery codes, and the sign-in that waits for
 * one after the password. Passkeys are second factors of kind 'webauthn' in the same table;
 * their ceremonies live beside this file.
 */
export function createSecondFactorService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  keyring: KeyringHolder;
  audit: Pick<AuditService, 'record'>;
  limiter: RateLimiter;
  /** Shown in authenticator apps beside the account ("Qonduit (qonduit.example.com)"). */
  issuer: string;
}) {
  const { db, clock, keyring, audit, limiter } = deps;
  const userAccount = (id: string) => ({ id, type: 'user' as const });
  const now = () => clock.now();

  function openTotpSecret(f: SecondFactor): string | null {
    if (f.sealed_secret === null) return null;
    const parsed = parseSealed(f.sealed_secret);
    if (!parsed.ok) return null;
    let opened = openCredential(keyring.current(), parsed.sealed, { accountId: f.user_id, provider: TOTP_AAD, recordId: f.id });
    // Sealed under a version `qonduit keys rotate` added after this process read its key file.
    if (!opened.ok && opened.reason === 'unknown_key') opened = openCredential(keyring.reload(), parsed.sealed, { accountId: f.user_id, provider: TOTP_AAD, recordId: f.id });
    return opened.ok ? (opened.credential.secret ?? null) : null;
  }

  /** Checks a TOTP code against the user's confirmed authenticators; each step is accepted once. */
  async function acceptTotp(userId: string, code: string): Promise<SecondFactor | null> {
    const nowMs = now().getTime();
    for (const f of await store.confirmedFactors(db, userId)) {
      if (f.kind !== 'totp') continue;
      const secret = openTotpSecret(f);
      const step = secret === null ? null : totpStepOf(secret, code, nowMs);
      if (step !== null && (await store.acceptTotpStep(db, f.id, step, now().toISOString(), false))) return f;
    }
    return null;
  }

  /** A code from an authenticator app, or an unused recovery code: what was used, or null. */
  async function verify(userId: string, answer: SecondFactorAnswer, ip: string): Promise<'totp' | 'recovery_code' | null> {
    if (answer.code !== undefined) return (await acceptTotp(userId, answer.code)) ? 'totp' : null;
    if (answer.recovery_code !== undefined) {
      const digest = recoveryCodeDigest(answer.recovery_code);
      if (digest === null) return null;
      const used = await store.useRecoveryCode(db, userId, digest, now().toISOString());
      if (used) {
        await audit.record({ account: userAccount(userId), actor: { userId, tokenId: null, ip }, action: 'user.recovery_code_used', target: { type: 'user', id: userId }, details: { remaining: await store.unusedRecoveryCodes(db, userId) } });
      }
      return used ? 'recovery_code' : null;
    }
    return null;
  }

  async function methodsOf(userId: string): Promise<SecondFactorChallenge['methods']> {
    const factors = await store.confirmedFactors(db, userId);
    const methods: SecondFactorChallenge['methods'] = [];
    if (factors.some((f) => f.kind === 'totp')) methods.push('totp');
    if (factors.some((f) => f.kind === 'webauthn')) methods.push('webauthn');
    if ((await store.unusedRecoveryCodes(db, userId)) > 0) methods.push('recovery_code');
    return methods;
  }

  async function freshRecoveryCodes(userId: string, trx: Kysely<Database>): Promise<string[]> {
    const codes = newRecoveryCodes();
    const digests = codes.map((c) => recoveryCodeDigest(c)).filter((d): d is string => d !== null);
    await store.replaceRecoveryCodes(trx, userId, digests, now().toISOString());
    return codes;
  }

  /**
   * Counts a second-factor attempt before it is checked, as sign-in counts passwords: per
   * address, and per account from anywhere (a guesser who knows the password spreads nothing).
   */
  async function countAttempt(userId: string, ip: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
    const byIp = await limiter.hit('second_factor_ip', ip);
    if (!byIp.ok) return byIp;
    const byAccount = await limiter.hit('second_factor_account', userId);
    if (!byAccount.ok) {
      await limiter.refund('second_factor_ip', ip);
      return byAccount;
    }
    return { ok: true };
  }

  async function attemptSucceeded(userId: string, ip: string): Promise<void> {
    await limiter.refund('second_factor_account', userId);
    await limiter.refund('second_factor_ip', ip);
  }

  return {
    verify,
    countAttempt,
    attemptSucceeded,
    hasSecondFactor: (userId: string) => store.hasConfirmedFactor(db, userId),

    async status(userId: string) {
      const factors = await store.confirmedFactors(db, userId);
      return { enabled: factors.length > 0, factors: factors.map(factorView), recovery_codes_remaining: await store.unusedRecoveryCodes(db, userId) };
    },

    /** A new authenticator, unconfirmed until its first code: the secret is shown this once. */
    async beginTotp(principal: Principal, email: string, name: string | undefined) {
      const id = newId();
      const secret = newTotpSecret();
      const sealed = sealCredential(keyring.current(), { secret }, { accountId: principal.userId, provider: TOTP_AAD, recordId: id });
      await db.transaction().execute(async (trx) => {
        await store.deleteUnconfirmedTotp(trx, principal.userId);
        await store.insertFactor(trx, {
          id,
          user_id: principal.userId,
          kind: 'totp',
          name: name?.trim() || 'Authenticator app',
          sealed_secret: serializeSealed(sealed),
          key_id: sealed.key_id,
          sign_count: 0,
          created_at: now().toISOString(),
        });
      });
      const uri = totpUri(secret, email, deps.issuer);
      return { id, secret, otpauth_uri: uri, qr_code: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1 }) };
    },

    /** One code confirms the enrolment; the first factor also brings the ten recovery codes. */
    async confirmTotp(principal: Principal, ip: string, id: string, code: string) {
      const f = await store.findFactor(db, principal.userId, id);
      if (!f || f.kind !== 'totp') throw notFound('Second factor');
      if (f.confirmed_at !== null) throw new AppError('conflict', 'This authenticator is already confirmed');
      const attempt = await countAttempt(principal.userId, ip);
      if (!attempt.ok) throw tooMany(attempt.retryAfterSeconds);
      const secret = openTotpSecret(f);
      const step = secret === null ? null : totpStepOf(secret, code, now().getTime());
      if (step === null) throw new AppError('validation_failed', 'The code does not match: enter the 6-digit code your authenticator app shows now', { details: [{ field: 'code', message: 'does not match' }] });
      const first = !(await store.hasConfirmedFactor(db, principal.userId));
      let recovery: string[] | undefined;
      await db.transaction().execute(async (trx) => {
        if (!(await store.acceptTotpStep(trx, f.id, step, now().toISOString(), true))) throw new AppError('conflict', 'This authenticator is already confirmed');
        if (first) recovery = await freshRecoveryCodes(principal.userId, trx);
        await audit.record({ account: userAccount(principal.userId), actor: actorOf(principal, ip), action: 'user.second_factor_added', target: { type: 'second_factor', id: f.id, name: f.name }, details: { kind: 'totp' } }, trx);
      });
      await attemptSucceeded(principal.userId, ip);
      const confirmed = await store.findFactor(db, principal.userId, id);
      if (!confirmed) throw notFound('Second factor');
      return { factor: factorView(confirmed), ...(recovery ? { recovery_codes: recovery } : {}) };
    },

    /** Removing the last factor also removes the recovery codes: two-factor sign-in is then off. */
    async remove(principal: Principal, ip: string, id: string): Promise<void> {
      const f = await store.findFactor(db, principal.userId, id);
      if (!f) throw notFound('Second factor');
      await db.transaction().execute(async (trx) => {
        if (!(await store.deleteFactor(trx, principal.userId, id))) throw notFound('Second factor');
        const left = await store.hasConfirmedFactor(trx, principal.userId);
        if (!left) await store.deleteRecoveryCodes(trx, principal.userId);
        if (f.confirmed_at !== null) {
          await audit.record({ account: userAccount(principal.userId), actor: actorOf(principal, ip), action: 'user.second_factor_removed', target: { type: 'second_factor', id: f.id, name: f.name }, details: { kind: f.kind, two_factor_enabled: left } }, trx);
        }
      });
    },

    async regenerateRecoveryCodes(principal: Principal, ip: string): Promise<string[]> {
      if (!(await store.hasConfirmedFactor(db, principal.userId))) throw new AppError('conflict', 'Recovery codes come with a second factor: add an authenticator app or a passkey first');
      return db.transaction().execute(async (trx) => {
        const codes = await freshRecoveryCodes(principal.userId, trx);
        await audit.record({ account: userAccount(principal.userId), actor: actorOf(principal, ip), action: 'user.recovery_codes_generated', target: { type: 'user', id: principal.userId } }, trx);
        return codes;
      });
    },

    /** After the first factor: the challenge to answer, or null when the account has no second factor. */
    async startSignIn(userId: string, method: SignInMethod): Promise<SecondFactorChallenge | null> {
      const methods = await methodsOf(userId);
      if (!methods.includes('totp') && !methods.includes('webauthn')) return null;
      const id = newSecret();
      const created = now();
      const expires = new Date(created.getTime() + CHALLENGE_TTL_MS);
      await store.insertChallenge(db, { id_digest: sha256Hex(id), user_id: userId, purpose: 'sign_in', method, webauthn_challenge: null, attempts: 0, created_at: created.toISOString(), expires_at: expires.toISOString() });
      return { id, methods, expires_at: expires.toISOString() };
    },

    /**
     * Completes a sign-in with its second factor. A wrong answer counts against the challenge
     * (five, then the password is asked again) and the rate limits; the challenge is consumed
     * once, so a replayed answer finds nothing.
     */
    async completeSignIn(challengeId: string, answer: SecondFactorAnswer, ip: string): Promise<{ ok: true; userId: string; method: SignInMethod } | { ok: false; retryAfterSeconds?: number }> {
      if (challengeId.length > 100) return { ok: false };
      const digest = sha256Hex(challengeId);
      const challenge = await store.findChallenge(db, digest, now().toISOString());
      if (!challenge || challenge.purpose !== 'sign_in') return { ok: false };
      const attempt = await countAttempt(challenge.user_id, ip);
      if (!attempt.ok) return { ok: false, retryAfterSeconds: attempt.retryAfterSeconds };
      const used = await verify(challenge.user_id, answer, ip);
      if (!used) {
        await store.countChallengeFailure(db, digest, CHALLENGE_MAX_ATTEMPTS);
        await audit.record({ account: userAccount(challenge.user_id), actor: { userId: null, tokenId: null, ip }, action: 'user.login_failed', target: { type: 'user', id: challenge.user_id }, details: { reason: 'wrong_second_factor' } });
        return { ok: false };
      }
      if (!(await store.consumeChallenge(db, digest))) return { ok: false };
      await attemptSucceeded(challenge.user_id, ip);
      return { ok: true, userId: challenge.user_id, method: challenge.method === 'oidc' ? 'oidc' : 'password' };
    },

    async sweep(): Promise<number> {
      return store.deleteExpiredChallenges(db, now().toISOString());
    },
  };
}

export function tooMany(retryAfterSeconds: number): AppError {
  return new AppError('rate_limited', `Too many second-factor attempts; try again in ${retryAfterSeconds} s`, { headers: { 'retry-after': String(retryAfterSeconds) } });
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>;
