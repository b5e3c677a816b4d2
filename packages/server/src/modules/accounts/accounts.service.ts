import { AppError, newId, newSecret, sha256Hex } from '@qonduit/core';
import type { Clock, PasswordHasher } from '@qonduit/core';
import type { Database, User } from '@qonduit/db';
import type { Kysely } from 'kysely';
import type { RateLimitName, RateLimiter } from '../../plugins/rate-limit';
import type { AuditService } from '../audit/audit.service';
import * as store from './accounts.store';

export interface NewSessionTokens {
  /** Goes into the HttpOnly session cookie. */
  sessionSecret: string;
  /** Goes into the readable CSRF cookie; the client echoes it in X-CSRF-Token. */
  csrfToken: string;
  expiresAt: Date;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createAccountService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  passwords: PasswordHasher;
  sessionTtlHours: number;
  limiter: RateLimiter;
  audit: Pick<AuditService, 'record'>;
}) {
  const { db, clock, passwords, limiter, audit } = deps;
  const userAccount = (userId: string) => ({ id: userId, type: 'user' as const });
  // A hash to verify against when the email is unknown, so that the answer takes as long as
  // for a known one and does not tell which emails have accounts. Made at start, so that not
  // even the first unknown e-mail pays for an extra hash.
  const decoyHash = passwords.hash(newSecret());
  decoyHash.catch(() => {}); // a failure surfaces at the first login that awaits it

  /** A new web session; `audited` records it as a sign-in (a signup's first session is part of `user.signed_up`). */
  async function createSession(userId: string, ip: string, userAgent: string | undefined, audited = false): Promise<NewSessionTokens> {
    const sessionSecret = newSecret();
    const csrfToken = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3_600_000);
    await db.transaction().execute(async (trx) => {
      await store.insertSession(trx, {
        id_digest: sha256Hex(sessionSecret),
        user_id: userId,
        csrf_digest: sha256Hex(csrfToken),
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        ip,
        user_agent: userAgent?.slice(0, 300) ?? null,
        authenticated_at: now.toISOString(),
      });
      if (audited) {
        await audit.record({ account: userAccount(userId), actor: { userId, tokenId: null, ip }, action: 'user.logged_in', target: { type: 'user', id: userId } }, trx);
      }
    });
    return { sessionSecret, csrfToken, expiresAt };
  }

  return {
    async signup(input: { email: string; password: string; name: string; ip: string }): Promise<User> {
      const email = normalizeEmail(input.email);
      const name = input.name.trim();
      if (!name) throw new AppError('validation_failed', 'name must not be blank', { details: [{ field: 'name', message: 'must not be blank' }] });
      // Hash outside any transaction: it is the slow part.
      const password_hash = await passwords.hash(input.password);
      const user: User = { id: newId(), email, name, password_hash, created_at: clock.now().toISOString() };
      await db.transaction().execute(async (trx) => {
        if (!(await store.insertUser(trx, user))) {
          throw new AppError('email_taken', 'An account with this email already exists', { details: [{ field: 'email', message: 'is already registered' }] });
        }
        await audit.record({ account: userAccount(user.id), actor: { userId: user.id, tokenId: null, ip: input.ip }, action: 'user.signed_up', target: { type: 'user', id: user.id, name } }, trx);
      });
      return user;
    },

    createSession,

    /**
     * Every attempt is counted before the password is checked, in one atomic step per key, so
     * that parallel guesses cannot all slip in under the limit (plugins/rate-limit.ts says which
     * keys and why). A refused attempt is told when to retry and checks no password.
     */
    async login(input: { email: string; password: string; ip: string }): Promise<{ ok: true; user: User } | { ok: false; retryAfterSeconds?: number; limit?: RateLimitName }> {
      const email = normalizeEmail(input.email);
      const account = sha256Hex(email);
      const keys: Array<[RateLimitName, string]> = [
        ['login_ip', input.ip],
        ['login_account_ip', `${account}|${input.ip}`],
        ['login_account', account],
      ];
      for (const [i, [name, key]] of keys.entries()) {
        const hit = await limiter.hit(name, key);
        if (!hit.ok) {
          // Only attempts that reach the password check count against the other keys.
          for (const [earlier, earlierKey] of keys.slice(0, i)) await limiter.refund(earlier, earlierKey);
          return { ok: false, retryAfterSeconds: hit.retryAfterSeconds, limit: name };
        }
      }
      const user = await store.findUserByEmail(db, email);
      const valid = await passwords.verify(input.password, user?.password_hash ?? (await decoyHash));
      if (!user) return { ok: false };
      if (!valid) {
        // On the account that was tried, by nobody known: the address is the only lead. An
        // unknown e-mail has no account to keep it, and a refused (rate-limited) attempt checked
        // no password, which also bounds how fast anyone can fill this log.
        await audit.record({ account: userAccount(user.id), actor: { userId: null, tokenId: null, ip: input.ip }, action: 'user.login_failed', target: { type: 'user', id: user.id }, details: { reason: 'wrong_password' } });
        return { ok: false };
      }
      // The owner got in: their own failures from here are forgotten, and this attempt was no failure.
      await limiter.reset('login_account_ip', `${account}|${input.ip}`);
      await limiter.refund('login_ip', input.ip);
      await limiter.refund('login_account', account);
      return { ok: true, user };
    },

    async resolveSession(secret: string) {
      if (secret.length > 100) return null;
      const row = await store.findLiveSession(db, sha256Hex(secret), clock.now().toISOString());
      return row ? { userId: row.user_id, csrfDigest: row.csrf_digest, authenticatedAtMs: Date.parse(row.authenticated_at ?? row.created_at) } : null;
    },

    /** Step-up: the session's holder has just proved who they are (the caller checked how). */
    async markReauthenticated(secret: string): Promise<boolean> {
      return store.markSessionAuthenticated(db, sha256Hex(secret), clock.now().toISOString());
    },

    async logout(secret: string, ip: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const userId = await store.deleteSession(trx, sha256Hex(secret));
        // A session that had already ended changes nothing.
        if (userId) await audit.record({ account: userAccount(userId), actor: { userId, tokenId: null, ip }, action: 'user.logged_out', target: { type: 'user', id: userId } }, trx);
      });
    },

    async getUser(id: string): Promise<User> {
      const user = await store.findUserById(db, id);
      if (!user) throw new AppError('unauthenticated', 'Authentication failed: the account no longer exists');
      return user;
    },

    /** Housekeeping: expired sessions and ended rate-limit windows. */
    async sweep(): Promise<{ sessions: number }> {
      const now = clock.now();
      const sessions = await store.deleteExpiredSessions(db, now.toISOString());
      await limiter.sweep();
      return { sessions };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
