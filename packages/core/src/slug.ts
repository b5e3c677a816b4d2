/** How long a slug may be; names run to 100 characters, URLs need less. */
export const MAX_SLUG = 40;

/**
 * The URL form of a name: lower-case ASCII letters and digits joined by single hyphens
 * ("Grace Labs" → "grace-labs", "Müller & Söhne" → "muller-sohne"); "org" when nothing is left.
 */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, '');
  return slug || 'org';
}

/** The first of base, base-2, base-3, ... that is not taken. */
export function freeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_SLUG - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
