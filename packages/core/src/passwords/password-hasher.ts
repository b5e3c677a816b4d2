import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

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

export function createPasswordHasher(options: { log2Cost?: number } = {}): PasswordHasher {
  const n = 2 ** (options.log2Cost ?? PRODUCTION_SCRYPT_COST);
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await scryptAsync(password, salt, n, 8, 1);
      return `scrypt$${n}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    },
    async verify(password, stored) {
      const [alg, ns, rs, ps, saltB64, keyB64] = stored.split('$');
      if (alg !== 'scrypt' || !ns || !rs || !ps || !saltB64 || !keyB64) return false;
      const expected = Buffer.from(keyB64, 'base64');
      const key = await scryptAsync(password, Buffer.from(saltB64, 'base64'), Number(ns), Number(rs), Number(ps));
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
  };
}
