import { AppError, newId, newSecret, sha256Hex } from '@qonduit/core';
import type { Clock, PasswordHasher } from '@qonduit/core';
import type { Database, User } from '@qonduit/db';
import type { Kysely } from 'kysely';
import type { RateLimitName, RateLimiter } from '../../plugins/rate-limit';
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
}) {
  const { db, clock, passwords, limiter } = deps;
  // A hash to verify against when the email is unknown, so that the answer takes as long as
  // for a known one and does not tell which emails have accounts.
  let decoyHash: Promise<string> | null = null;

  async function createSession(userId: string, ip: string, userAgent: string | undefined): Promise<NewSessionTokens> {
    const sessionSecret = newSecret();
    const csrfToken = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3_600_000);
    await store.insertSession(db, {
      id_digest: sha256Hex(sessionSecret),
      user_id: userId,
      csrf_digest: sha256Hex(csrfToken),
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      ip,
      user_agent: userAgent?.slice(0, 300) ?? null,
    });
    return { sessionSecret, csrfToken, expiresAt };
  }

  return {
    async signup(input: { email: string; password: string; name: string }): Promise<User> {
      const email = normalizeEmail(input.email);
      const name = input.name.trim();
      if (!name) throw new AppError('validation_failed', 'name must not be blank', { details: [{ field: 'name', message: 'must not be blank' }] });
      // Hash outside any transaction: it is the slow part.
      const password_hash = await passwords.hash(input.password);
      const user: User = { id: newId(), email, name, password_hash, created_at: clock.now().toISOString() };
      if (!(await store.insertUser(db, user))) {
        throw new AppError('email_taken', 'An account with this email already exists', { details: [{ field: 'email', message: 'is already registered' }] });
      }
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
      decoyHash ??= passwords.hash(newSecret());
      const valid = await passwords.verify(input.password, user?.password_hash ?? (await decoyHash));
      if (!user || !valid) return { ok: false };
      // The owner got in: their own failures from here are forgotten, and this attempt was no failure.
      await limiter.reset('login_account_ip', `${account}|${input.ip}`);
      await limiter.refund('login_ip', input.ip);
      await limiter.refund('login_account', account);
      return { ok: true, user };
    },

    async resolveSession(secret: string) {
      if (secret.length > 100) return null;
      const row = await store.findLiveSession(db, sha256Hex(secret), clock.now().toISOString());
      return row ? { userId: row.user_id, csrfDigest: row.csrf_digest } : null;
    },

    async logout(secret: string): Promise<void> {
      await store.deleteSession(db, sha256Hex(secret));
    },

    async getUser(id: string): Promise<User> {
      const user = await store.findUserById(db, id);
      if (!user) throw new AppError('unauthenticated', 'Authentication failed: the account no longer exists');
      return user;
    },

    /** Housekeeping: expired sessions, ended rate-limit windows, and the old failure table's rows. */
    async sweep(): Promise<{ sessions: number }> {
      const now = clock.now();
      const sessions = await store.deleteExpiredSessions(db, now.toISOString());
      await limiter.sweep();
      // Sign-in failures were counted in login_failures before the limiter; nothing adds rows now.
      await store.deleteOldLoginFailures(db, now.toISOString());
      return { sessions };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
