import { describe, expect, it } from 'vitest';
import { MAX_SLUG, freeSlug, slugify } from './slug';

describe('organization slugs', () => {
  it('are lower-case ASCII words joined by hyphens', () => {
    expect(slugify('Grace Labs')).toBe('grace-labs');
    expect(slugify('  Müller & Söhne  ')).toBe('muller-sohne');
    expect(slugify('量子')).toBe('org');
    expect(slugify('x'.repeat(100))).toHaveLength(MAX_SLUG);
  });

  it('take the first free numbered form when the plain one is taken, within the length limit', () => {
    expect(freeSlug('lab', new Set())).toBe('lab');
    expect(freeSlug('lab', new Set(['lab', 'lab-2']))).toBe('lab-3');
    const long = 'y'.repeat(MAX_SLUG);
    expect(freeSlug(long, new Set([long]))).toBe(`${'y'.repeat(MAX_SLUG - 2)}-2`);
  });
});
