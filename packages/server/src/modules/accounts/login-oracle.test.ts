import { createPasswordHasher } from '@qonduit/core';
import type { PasswordHasher } from '@qonduit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import type { TestApp } from '../../test/harness';

// No "this e-mail exists" oracle at sign-in (issue 13, item 4): an unknown e-mail and a wrong
// password get the same answer, and both spend one password verification against a hash of the
// same cost, so neither the answer nor the work tells them apart. Counted, not timed: a timing
// assertion would be flaky on a shared machine, and the work is what makes the time.

interface Recorded extends PasswordHasher {
  verifiedAgainst: string[];
  hashed: number;
}

function recordingHasher(): Recorded {
  const inner = createPasswordHasher({ log2Cost: 10 });
  const rec: Recorded = {
    verifiedAgainst: [],
    hashed: 0,
    async hash(password) {
      rec.hashed++;
      return inner.hash(password);
    },
    async verify(password, stored) {
      rec.verifiedAgainst.push(stored);
      return inner.verify(password, stored);
    },
  };
  return rec;
}

/** A hash's algorithm and cost parameters, without its salt and key. */
const costOf = (stored: string) => stored.split('$').slice(0, 4).join('$');

let t: TestApp;
afterEach(async () => {
  await t.close();
});

const login = (email: string, password: string, remoteAddress: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

describe('signing in tells nobody which e-mails have accounts', () => {
  it('answers an unknown e-mail and a wrong password with the same status, code, message and headers', async () => {
    t = await createTestApp();
    await signUp(t, 'Ada', 'ada@example.com');
    const wrong = await login('ada@example.com', 'not the password', '10.0.0.1');
    const unknown = await login('nobody@example.com', 'not the password', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const body = (r: typeof wrong) => {
      const { error } = r.json<{ error: { code: string; message: string; details?: unknown } }>();
      return { code: error.code, message: error.message, details: error.details };
    };
    expect(body(wrong)).toEqual(body(unknown));
    expect(body(wrong).message).not.toMatch(/no account|not found|unknown|exists/i);
    const headerNames = (r: typeof wrong) => Object.keys(r.headers).filter((h) => h !== 'x-request-id').sort();
    expect(headerNames(wrong)).toEqual(headerNames(unknown));
    expect(wrong.cookies).toHaveLength(0);
    expect(unknown.cookies).toHaveLength(0);
  });

  it('verifies one password for an unknown e-mail too, against a decoy hash of the same cost as a real one', async () => {
    const hasher = recordingHasher();
    t = await createTestApp({ passwords: hasher });
    await signUp(t, 'Ada', 'ada@example.com');
    const real = await t.db.selectFrom('users').select('password_hash').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();

    hasher.verifiedAgainst.length = 0;
    expect((await login('ada@example.com', 'not the password', '10.0.0.1')).statusCode).toBe(401);
    expect(hasher.verifiedAgainst).toEqual([real.password_hash]);

    hasher.verifiedAgainst.length = 0;
    const hashedAtStart = hasher.hashed;
    expect((await login('nobody@example.com', 'not the password', '10.0.0.2')).statusCode).toBe(401);
    // The decoy was made when the server started: the first unknown e-mail hashes nothing either.
    expect(hasher.hashed).toBe(hashedAtStart);
    expect(hasher.verifiedAgainst).toHaveLength(1);
    const [decoy = ''] = hasher.verifiedAgainst;
    expect(decoy).not.toBe(real.password_hash);
    expect(costOf(decoy)).toBe(costOf(real.password_hash));

    // Later unknown e-mails reuse the decoy: one verification each, no extra hashing.
    const hashedBefore = hasher.hashed;
    hasher.verifiedAgainst.length = 0;
    expect((await login('someone-else@example.com', 'whatever password', '10.0.0.3')).statusCode).toBe(401);
    expect(hasher.verifiedAgainst).toEqual([decoy]);
    expect(hasher.hashed).toBe(hashedBefore);
  });

  it('signing up with a taken e-mail answers 409 (DESIGN.md) only after hashing the password, as a new one does', async () => {
    const hasher = recordingHasher();
    t = await createTestApp({ passwords: hasher });
    await signUp(t, 'Ada', 'ada@example.com');
    const before = hasher.hashed;
    const taken = await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'ADA@example.com', password: 'correct horse battery staple', name: 'Eve' } });
    expect(taken.statusCode).toBe(409);
    expect(hasher.hashed).toBe(before + 1);
  });
});
