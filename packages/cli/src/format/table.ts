// Aligned plain-text tables, as gh and glab print lists: a header, two spaces between columns.

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Cells longer than this are cut with an ellipsis. */
  maxWidth?: number;
  align?: 'left' | 'right';
}

/** Display width: one cell per code point (the CLI prints no wide characters in tables). */
function width(text: string): number {
  return [...text].length;
}

export function truncate(text: string, max: number): string {
  if (width(text) <= max) return text;
  return max <= 1 ? '…'.slice(0, max) : `${[...text].slice(0, max - 1).join('')}…`;
}

function pad(text: string, size: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

export function renderTable<T>(columns: ReadonlyArray<Column<T>>, rows: readonly T[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const raw = c.value(row).replace(/\s+/g, ' ');
      return c.maxWidth ? truncate(raw, c.maxWidth) : raw;
    }),
  );
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        // Lines are trimmed at the end: an empty last cell leaves no trailing spaces.
        return pad(v, widths[i] ?? 0, columns[i]?.align ?? 'left');
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

/** `key: value` lines with the keys aligned, for one record (`show` commands). */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const size = Math.max(0, ...fields.map(([k]) => width(k)));
  return fields.map(([k, v]) => `${pad(`${k}:`, size + 1, 'left')} ${v}`).join('\n') + '\n';
}
