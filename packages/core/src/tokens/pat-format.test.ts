import { describe, expect, it } from 'vitest';
import { findPats, generatePat, isWellFormedPat, maskPat, patDigest, patHint } from './pat-format';

describe('personal access token format', () => {
  it('is qdp_ followed by 36 base62 characters, 40 in all', () => {
    const token = generatePat();
    expect(token).toMatch(/^qdp_[0-9A-Za-z]{36}$/);
    expect(token).toHaveLength(40);
  });

  it('accepts its own tokens and rejects one changed character (checksum)', () => {
    for (let i = 0; i < 200; i++) {
      const token = generatePat();
      expect(isWellFormedPat(token)).toBe(true);
      const pos = 4 + (i % 36);
      const ch = token[pos] === 'a' ? 'b' : 'a';
      expect(isWellFormedPat(token.slice(0, pos) + ch + token.slice(pos + 1))).toBe(false);
    }
  });

  it('rejects wrong prefix, wrong length and non-base62 characters', () => {
    const token = generatePat();
    expect(isWellFormedPat(token.replace('qdp_', 'qdx_'))).toBe(false);
    expect(isWellFormedPat(token + 'a')).toBe(false);
    expect(isWellFormedPat(token.slice(0, 39))).toBe(false);
    expect(isWellFormedPat(token.slice(0, 10) + '-' + token.slice(11))).toBe(false);
    expect(isWellFormedPat('')).toBe(false);
  });

  it('never repeats in 10,000 draws and uses the whole alphabet', () => {
    const seen = new Set<string>();
    const chars = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const t = generatePat();
      seen.add(t);
      for (const c of t.slice(4, 34)) chars.add(c);
    }
    expect(seen.size).toBe(10_000);
    expect(chars.size).toBe(62);
  });

  it('stores a SHA-256 digest and a hint that reveal nothing else', () => {
    const token = generatePat();
    expect(patDigest(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(patHint(token)).toBe(`qdp_${token.slice(-4)}`);
    expect(maskPat(token)).not.toContain(token.slice(4, 36));
  });

  it('finds real tokens in text and ignores look-alikes', () => {
    const a = generatePat();
    const b = generatePat();
    const fake = 'qdp_' + 'A'.repeat(36);
    const text = `token=${a}\nother: "${b}" bad ${fake} x${a}y`;
    expect(findPats(text).map((f) => f.token)).toEqual([a, b]);
  });
});
