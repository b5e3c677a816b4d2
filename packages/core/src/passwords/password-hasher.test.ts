import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error';
import { createConcurrencyLimit, createPasswordHasher } from './password-hasher';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hasher = createPasswordHasher({ log2Cost: 10 });
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('wrong', stored)).toBe(false);
  });

  it('refuses a stored hash that asks for an absurd cost instead of computing it', async () => {
    const hasher = createPasswordHasher({ log2Cost: 10 });
    const stored = await hasher.hash('pw-pw-pw-pw');
    const [, , r, p, salt, key] = stored.split('$');
    expect(await hasher.verify('pw-pw-pw-pw', ['scrypt', String(2 ** 30), r, p, salt, key].join('$'))).toBe(false);
    expect(await hasher.verify('pw-pw-pw-pw', ['scrypt', '1000', r, p, salt, key].join('$'))).toBe(false);
  });

  it('computes at most maxConcurrent hashes at once: a burst of 20 sign-ups queues', async () => {
    const hasher = createPasswordHasher({ log2Cost: 12, maxConcurrent: 2, maxQueued: 100 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => hasher.hash(`password ${i}`)));
    expect(new Set(results).size).toBe(20);
  });
});

describe('the concurrency limit', () => {
  it('never runs more than its limit, serves waiters in order, and refuses past its queue with 503', async () => {
    const limit = createConcurrencyLimit(2, 3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const release: Array<() => void> = [];
    const task = (i: number) => () =>
      new Promise<number>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        order.push(i);
        release.push(() => {
          running--;
          resolve(i);
        });
      });
    const runs = [0, 1, 2, 3, 4].map((i) => limit.run(task(i)));
    await expect(limit.run(task(5))).rejects.toSatisfy((err: unknown) => err instanceof AppError && err.code === 'unavailable' && err.headers?.['retry-after'] === '5');
    expect(limit.running).toBe(2);
    expect(limit.queued).toBe(3);
    while (release.length > 0 || order.length < 5) {
      const next = release.shift();
      if (next) next();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limit.running).toBe(0);
  });
});
