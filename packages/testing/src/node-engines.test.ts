import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

// The README promises Node 20.15: `npm ci` must install nothing that says it needs more, or
// people on Node 20 get engine warnings (cookie 2 and content-disposition 3 did; the versions
// of @fastify/cookie, @fastify/static and light-my-request that use them are held back).
const ROOT = path.resolve(import.meta.dirname, '../../..');
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};
const promised = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

// Every release of Scalar's API reference (and the packages it pins) declares Node 22, yet it
// runs on Node 20: the API reference tests pass on it in CI. It is the one known exception.
const KNOWN = /^node_modules\/@scalar\/|^node_modules\/undici$/;

describe('what npm ci installs runs on the Node version the README promises', () => {
  it(`no installed package requires more than Node ${promised}, except the known one`, () => {
    const oldest = semver.minVersion(promised)?.version ?? '20.15.0';
    const refusing = Object.entries(lock.packages)
      .filter(([name, entry]) => name !== '' && !Array.isArray(entry.engines) && entry.engines?.node)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
      .map(([name]) => name);
    expect(refusing.filter((name) => !KNOWN.test(name))).toEqual([]);
  });
});
