// Ids are UUIDv7: their head is a timestamp, so two jobs a minute apart share it. What people
// see (CLI tables, the web UI) and type is the random tail instead, long enough to be unique
// among what is shown.

const SHORT = 8;

/** The random tail of an id, as lists show it. */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(-SHORT);
}

/** Short forms for a list, lengthened where two would otherwise look alike. */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const plain = ids.map((id) => id.replace(/-/g, ''));
  let length = SHORT;
  while (length < 32 && new Set(plain.map((p) => p.slice(-length))).size < new Set(plain).size) length += 4;
  return new Map(ids.map((id, i) => [id, (plain[i] ?? id).slice(-length)]));
}
