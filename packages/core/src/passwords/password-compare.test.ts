import * as crypto from 'node:crypto';
import type * as Crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createPasswordHasher } from './password-hasher';

// Wrapped, not replaced: the hasher must still compare correctly.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

describe('password verification', () => {
  it('compares the derived key with the stored one in constant time (timingSafeEqual), right or wrong', async () => {
    const hasher = createPasswordHasher({ log2Cost: 10 });
    const stored = await hasher.hash('correct horse battery staple');
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('wrong horse battery staple', stored)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(2);
  });
});
