import { shortIds } from '@qonduit/sdk';
import { CliError, usageError } from './errors';

// References people type for ids: the full id, the random tail the tables show (sdk/ids.ts), or
// the head; where names are unique, the name.

export { shortId, shortIds } from '@qonduit/sdk';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Shorter references match too many things by chance. */
const MIN_REFERENCE = 4;

/**
 * The one item a reference names: its full id, the tail or head of its id, or (where names are
 * unique among the items) its name. Refuses a reference that fits none or several.
 */
export function resolveReference<T extends { id: string }>(
  reference: string,
  items: Iterable<T>,
  options: { kind: string; nameOf?: (item: T) => string; listHint: string },
): T {
  const wanted = reference.trim().toLowerCase();
  const compact = wanted.replace(/-/g, '');
  const all = [...items];
  const exact = all.find((item) => item.id.toLowerCase() === wanted);
  if (exact) return exact;
  const byName = options.nameOf ? all.filter((item) => options.nameOf?.(item).toLowerCase() === wanted) : [];
  if (byName.length === 1 && byName[0]) return byName[0];
  const byId =
    compact.length >= MIN_REFERENCE && /^[0-9a-f]+$/.test(compact)
      ? all.filter((item) => {
          const id = item.id.toLowerCase().replace(/-/g, '');
          return id.endsWith(compact) || id.startsWith(compact);
        })
      : [];
  const matches = [...new Set([...byName, ...byId])];
  const [only, ...more] = matches;
  if (only && more.length === 0) return only;
  if (only) {
    const shown = shortIds(matches.map((m) => m.id));
    const list = matches.slice(0, 10).map((m) => `${shown.get(m.id) ?? m.id}${options.nameOf ? ` (${options.nameOf(m)})` : ''}`);
    throw usageError(`"${reference}" matches ${matches.length} ${options.kind}s: ${list.join(', ')}`, 'use more characters of the id');
  }
  throw new CliError(`no ${options.kind} "${reference}"`, { hint: options.listHint });
}
