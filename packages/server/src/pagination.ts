import { AppError } from '@qonduit/core';

// Keyset pagination: the cursor is the sort key of the last item, opaque to clients.
export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): string[] | null {
  if (cursor === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === arity && parsed.every((k) => typeof k === 'string')) {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'cursor is not one this server gave out', {
    details: [{ field: 'cursor', message: 'is invalid' }],
  });
}

/** Fetch limit + 1 rows; this trims the extra one and says where the next page starts. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string[]): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
