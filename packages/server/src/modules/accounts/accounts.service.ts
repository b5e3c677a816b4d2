import { AppError, newId, newSecret, sha256Hex } from '@qonduit/core';
import type { Clock, PasswordHasher } from '@qonduit/core';
import type { Database, User } from '@qonduit/db';
import type { Kysely } from 'kysely';
import * as store from './accounts.store';

export interface NewSessionTokens {
  /** Goes into the HttpOnly session cookie. */
  sessionSecret: string;
  /** Goes into the readable CSRF cookie; the client echoes it in X-CSRF-Token. */
  csrfToken: string;
  expiresAt: Date;
}

export interface LoginLimits {
  perIp: number;
  perAccount: number;
  windowMinutes: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perIp: 50, perAccount: 10, windowMinutes: 15 };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createAccountService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  passwords: PasswordHasher;
  sessionTtlHours: number;
  loginLimits?: LoginLimits;
}) {
  const { db, clock, passwords } = deps;
  const limits = deps.loginLimits ?? DEFAULT_LOGIN_LIMITS;
  // A hash to verify against when the email is unknown, so that the answer takes as long as
  // for a known one and does not tell which emails have accounts.
  let decoyHash: Promise<string> | null = null;

  function windowStart(): { start: string; end: Date } {
    const size = limits.windowMinutes * 60_000;
    const start = Math.floor(clock.now().getTime() / size) * size;
    return { start: new Date(start).toISOString(), end: new Date(start + size) };
  }

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

    async login(input: { email: string; password: string; ip: string }): Promise<{ ok: true; user: User } | { ok: false; retryAfterSeconds?: number }> {
      const email = normalizeEmail(input.email);
      const ipKey = `ip:${input.ip}`;
      const accountKey = `account:${sha256Hex(email)}`;
      const window = windowStart();
      const counts = await store.countLoginFailures(db, [ipKey, accountKey], window.start);
      const ipCount = counts.find((c) => c.key === ipKey)?.count ?? 0;
      const accountCount = counts.find((c) => c.key === accountKey)?.count ?? 0;
      if (ipCount >= limits.perIp || accountCount >= limits.perAccount) {
        const retry = Math.max(1, Math.ceil((window.end.getTime() - clock.now().getTime()) / 1000));
        return { ok: false, retryAfterSeconds: retry };
      }
      const user = await store.findUserByEmail(db, email);
      decoyHash ??= passwords.hash(newSecret());
      const valid = await passwords.verify(input.password, user?.password_hash ?? (await decoyHash));
      if (!user || !valid) {
        await store.addLoginFailure(db, ipKey, window.start);
        await store.addLoginFailure(db, accountKey, window.start);
        return { ok: false };
      }
      await store.clearLoginFailures(db, accountKey);
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

    /** Housekeeping: expired sessions and old rate-limit windows. */
    async sweep(): Promise<void> {
      const now = clock.now();
      await store.deleteExpiredSessions(db, now.toISOString());
      await store.deleteOldLoginFailures(db, new Date(now.getTime() - 2 * limits.windowMinutes * 60_000).toISOString());
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
