import { describe, expect, it } from 'vitest';
import { renderFields, renderTable, truncate } from './table';

describe('tables', () => {
  const rows = [
    { name: 'laptop', count: 7 },
    { name: 'a much longer name than fits', count: 1200 },
  ];

  it('aligns columns two spaces apart under an upper-case header, numbers to the right, no trailing spaces', () => {
    const text = renderTable(
      [
        { header: 'Name', value: (r: (typeof rows)[number]) => r.name, maxWidth: 12 },
        { header: 'Count', value: (r) => String(r.count), align: 'right' },
      ],
      rows,
    );
    expect(text).toBe('NAME          COUNT\nlaptop            7\na much long…   1200\n');
  });

  it('puts a row on one line whatever whitespace its values hold', () => {
    expect(renderTable([{ header: 'x', value: (r: string) => r }], ['a\nb\tc'])).toBe('X\na b c\n');
  });

  it('cuts with an ellipsis only what is too long', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
  });

  it('aligns the values of key: value fields', () => {
    expect(renderFields([['id', '1'], ['last used', 'never']])).toBe('id:        1\nlast used: never\n');
  });
});
