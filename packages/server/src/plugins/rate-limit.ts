import { AppError } from '@qonduit/core';
import type { DbHandle } from '@qonduit/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Every limit of the server, by name, with its default; QONDUIT_RATE_LIMIT_<NAME> overrides one
 * (`<points>/<seconds>`, or `off`). Each is a fixed window counted per key: `ip` is the client
 * address (see QONDUIT_TRUST_PROXY), `user` is the signed-in user (the address when there is none).
 *
 * Sign-in counts each attempt before the password is checked, under three keys (README, Limits):
 * the address (across accounts), the account from that address (strict: the guesser's own
 * address, not the owner's), and the account from anywhere (loose: it caps a guesser who
 * spreads over many addresses). A successful sign-in clears the account-from-that-address count
 * and takes its own attempt back from the other two, so the owner never locks themself out and a
 * stranger's guesses elsewhere cost the owner nothing below the loose limit.
 */
export const RATE_LIMIT_DEFAULTS = {
  login_ip: { points: 50, seconds: 900, by: 'ip', what: 'sign-in attempts from your address' },
  login_account_ip: { points: 10, seconds: 900, by: 'ip', what: 'failed sign-in attempts for this account' },
  login_account: { points: 100, seconds: 900, by: 'ip', what: 'failed sign-in attempts for this account' },
  second_factor_ip: { points: 50, seconds: 900, by: 'ip', what: 'second-factor attempts from your address' },
  second_factor_account: { points: 10, seconds: 900, by: 'user', what: 'wrong second-factor codes for this account' },
  signup: { points: 20, seconds: 3600, by: 'ip', what: 'sign-ups from your address' },
  leaked_token_revoke: { points: 30, seconds: 60, by: 'ip', what: 'leaked-token revocation requests from your address' },
  token_create: { points: 30, seconds: 3600, by: 'user', what: 'token creations and rotations' },
  job_submit: { points: 60, seconds: 60, by: 'user', what: 'job submissions' },
  job_estimate: { points: 120, seconds: 60, by: 'user', what: 'job cost estimates' },
  member_add: { points: 30, seconds: 3600, by: 'user', what: 'member additions' },
  proxy: { points: 300, seconds: 60, by: 'user', what: 'provider proxy requests' },
  calendar_feed: { points: 60, seconds: 60, by: 'ip', what: 'calendar feed requests from your address' },
} as const satisfies Record<string, { points: number; seconds: number; by: 'ip' | 'user'; what: string }>;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;
export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitName[];

export interface RateLimitSetting {
  points: number;
  seconds: number;
}

/** null: the limit is off. */
export type RateLimitSettings = Readonly<Record<RateLimitName, RateLimitSetting | null>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The named limit this route counts against (RATE_LIMIT_DEFAULTS), before its handler runs. */
    rateLimit?: RateLimitName;
  }
}

export type HitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one attempt against the limit, atomically; refused once the window's points are spent. */
  hit(name: RateLimitName, key: string): Promise<HitResult>;
  /** Gives one counted attempt back (a sign-in that succeeded is not a failure). */
  refund(name: RateLimitName, key: string): Promise<void>;
  /** Forgets the key's count. */
  reset(name: RateLimitName, key: string): Promise<void>;
  /** Deletes windows that ended (PostgreSQL; the in-memory store forgets on its own). */
  sweep(): Promise<void>;
}

// Counters shared by every server process on one PostgreSQL live in this table, which the
// library creates itself (key, points, expire in epoch milliseconds).
export const RATE_LIMIT_TABLE = 'qonduit_rate_limits';

function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * The limiters, on rate-limiter-flexible: its PostgreSQL store (one atomic upsert per hit) when
 * several processes may share the database; its in-memory store on SQLite, which one process
 * serves (a second connection to the SQLite file would block the event loop on its lock).
 */
export async function createRateLimiter(database: DbHandle, settings: RateLimitSettings): Promise<RateLimiter> {
  const limiters = new Map<RateLimitName, RateLimiterAbstract>();
  let postgres: RateLimiterPostgres | null = null;
  for (const name of RATE_LIMIT_NAMES) {
    const setting = settings[name];
    if (!setting) continue;
    const options = { keyPrefix: name, points: setting.points, duration: setting.seconds };
    if (database.pgPool) {
      const pool = database.pgPool;
      const first: boolean = postgres === null;
      let ready: (err?: unknown) => void = () => undefined;
      const created = new Promise<void>((resolve, reject) => {
        ready = (err) => (err ? reject(err instanceof Error ? err : new Error('cannot create the rate-limit table', { cause: err })) : resolve());
      });
      const limiter: RateLimiterPostgres = new RateLimiterPostgres(
        {
          ...options,
          storeClient: pool,
          storeType: 'pool',
          tableName: RATE_LIMIT_TABLE,
          ...(database.schema ? { schemaName: database.schema } : {}),
          // Our sweeper deletes ended windows; the library's own timer would outlive the app.
          clearExpiredByTimeout: false,
          // The first limiter creates the table; the others share it.
          tableCreated: !first,
        },
        (err?: unknown) => ready(err),
      );
      await created;
      postgres ??= limiter;
      limiters.set(name, limiter);
    } else {
      limiters.set(name, new RateLimiterMemory(options));
    }
  }

  return {
    async hit(name, key) {
      const limiter = limiters.get(name);
      if (!limiter) return { ok: true };
      try {
        await limiter.consume(key);
        return { ok: true };
      } catch (err) {
        if (err instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: retryAfterSeconds(err) };
        throw err;
      }
    },
    async refund(name, key) {
      await limiters.get(name)?.reward(key);
    },
    async reset(name, key) {
      await limiters.get(name)?.delete(key);
    },
    async sweep() {
      await (postgres as (RateLimiterPostgres & { clearExpired(before: number): Promise<void> }) | null)?.clearExpired(Date.now());
    },
  };
}

export function rateLimitedError(name: RateLimitName, retryAfter: number): AppError {
  return new AppError('rate_limited', `Too many ${RATE_LIMIT_DEFAULTS[name].what}; try again in ${retryAfter} s`, {
    headers: { 'retry-after': String(retryAfter) },
  });
}

function keyOf(name: RateLimitName, request: FastifyRequest): string {
  const principal = request.principal;
  return RATE_LIMIT_DEFAULTS[name].by === 'user' && principal ? `user:${principal.userId}` : `ip:${request.ip}`;
}

/**
 * Routes opt in with `config: { rateLimit: '<name>' }`. The hook runs after authentication (so a
 * per-user limit knows the user) and before the body is parsed or anything slow happens.
 */
export function registerRateLimits(app: FastifyInstance, limiter: RateLimiter): void {
  app.addHook('onRequest', async (request) => {
    const name = request.routeOptions.config.rateLimit;
    if (!name) return;
    const result = await limiter.hit(name, keyOf(name, request));
    if (!result.ok) throw rateLimitedError(name, result.retryAfterSeconds);
  });
}
