import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from './errors';
import { resolveReference, shortId, shortIds } from './ids';

// Two UUIDv7 ids a minute apart: the same head (a timestamp), different random tails.
const A = '01a22536-7c1e-7000-8a3b-5f0c9d2e4b17';
const B = '01a22536-8f02-7000-9c44-02b7e1aa90c3';
const items = [
  { id: A, name: 'laptop' },
  { id: B, name: 'ci' },
];
const resolve = (reference: string) => resolveReference(reference, items, { kind: 'token', nameOf: (t) => t.name, listHint: 'qonduit tokens list' }).id;

describe('ids people can tell apart', () => {
  it('shows the random tail, not the time-ordered head', () => {
    expect(A.slice(0, 8)).toBe(B.slice(0, 8));
    expect(shortId(A)).toBe('9d2e4b17');
    expect(shortId(B)).toBe('e1aa90c3');
  });

  it('lengthens the short forms of a list where two tails would look alike', () => {
    const twin = 'ffffffff-0000-7000-8000-00009d2e4b17';
    const shown = shortIds([A, twin]);
    expect(shown.get(A)).not.toBe(shown.get(twin));
    expect(shown.get(A)).toHaveLength(12);
  });

  it('takes the full id, the tail, the head where it is unique, or the name', () => {
    expect(resolve(A)).toBe(A);
    expect(resolve('9d2e4b17')).toBe(A);
    expect(resolve('4b17')).toBe(A);
    expect(resolve('01a22536-8f')).toBe(B);
    expect(resolve('LAPTOP')).toBe(A);
  });

  it('refuses a reference that fits several (usage error, listing them) or none', () => {
    const several = (() => {
      try {
        resolve('01a22536');
      } catch (err) {
        return err;
      }
    })();
    expect(several).toBeInstanceOf(CliError);
    expect(several).toMatchObject({ exitCode: EXIT.usage, message: '"01a22536" matches 2 tokens: 9d2e4b17 (laptop), e1aa90c3 (ci)' });
    expect(() => resolve('abc')).toThrow('no token "abc"');
    expect(() => resolve('deadbeef')).toThrow('no token "deadbeef"');
  });
});
