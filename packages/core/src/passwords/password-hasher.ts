import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/app-error';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

// OWASP's scrypt minimum: N=2^17, r=8, p=1. The parameters are stored with each hash, so a
// later change of cost keeps old hashes verifiable. Tests pass a lower cost to stay fast.
export const PRODUCTION_SCRYPT_COST = 17;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export interface PasswordHasherOptions {
  log2Cost?: number;
  /**
   * Hashes computed at once. Each takes 128·N·r bytes (128 MiB at the production cost) and a
   * libuv thread, so a burst of sign-ups or sign-ins must queue, not allocate without bound.
   */
  maxConcurrent?: number;
  /** Hashes allowed to wait; past that the server answers 503 at once instead of queueing. */
  maxQueued?: number;
}

export const DEFAULT_HASH_CONCURRENCY = 2;
export const DEFAULT_HASH_QUEUE = 64;

/** A counting semaphore with a bounded queue, first come first served. */
export function createConcurrencyLimit(maxConcurrent: number, maxQueued: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return {
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= maxConcurrent) {
        if (waiting.length >= maxQueued) {
          throw new AppError('unavailable', 'The server is busy checking passwords; try again in a few seconds', {
            headers: { 'retry-after': '5' },
          });
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next waiter, so that a newcomer cannot overtake it.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
  };
}

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const n = 2 ** (options.log2Cost ?? PRODUCTION_SCRYPT_COST);
  const slots = createConcurrencyLimit(
    Math.max(1, options.maxConcurrent ?? DEFAULT_HASH_CONCURRENCY),
    Math.max(0, options.maxQueued ?? DEFAULT_HASH_QUEUE),
  );
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await slots.run(() => scryptAsync(password, salt, n, 8, 1));
      return `scrypt$${n}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    },
    async verify(password, stored) {
      const [alg, ns, rs, ps, saltB64, keyB64] = stored.split('$');
      if (alg !== 'scrypt' || !ns || !rs || !ps || !saltB64 || !keyB64) return false;
      const cost = Number(ns);
      // A stored hash decides its own cost: never let one ask for more than we would make.
      if (!Number.isInteger(cost) || cost < 2 || cost > 2 ** 20 || (cost & (cost - 1)) !== 0 || Number(rs) !== 8 || Number(ps) !== 1) return false;
      const expected = Buffer.from(keyB64, 'base64');
      const key = await slots.run(() => scryptAsync(password, Buffer.from(saltB64, 'base64'), cost, 8, 1));
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
  };
}
