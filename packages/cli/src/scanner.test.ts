import { generatePat } from '@qonduit/core';
import { describe, expect, it } from 'vitest';
import { findingsIn, positionOf } from './scanner';

describe('the scanner', () => {
  it('gives 1-based line and column positions', () => {
    const text = 'a\nbc\n  x';
    expect(positionOf(text, 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf(text, 3)).toEqual({ line: 2, column: 2 });
    expect(positionOf(text, text.indexOf('x'))).toEqual({ line: 3, column: 3 });
  });

  it('finds every token on every line, and none inside a longer word', () => {
    const [a, b] = [generatePat(), generatePat()];
    const text = `x=${a} y=${b}\n\nprefix${a}\n  "${b}"`;
    expect(findingsIn(text, 'f').map(({ line, column, token }) => [line, column, token])).toEqual([
      [1, 3, a],
      [1, 46, b],
      [4, 4, b],
    ]);
  });
});
