import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Organizations get a unique slug, their name as URLs and `--org` take it, because two
// organizations may share a name. Existing ones get theirs from their names, oldest first,
// numbered where two would collide. (Migrations never import application code: this repeats
// core/src/slug.ts's rule, which makes the slugs of new organizations.)
const MAX_SLUG = 40;

function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG)
    .replace(/^-+|-+$/g, '');
  return slug || 'org';
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organizations').addColumn('slug', 'text').execute();
  const orgs = await sql<{ id: string; name: string }>`select id, name from organizations order by created_at, id`.execute(db);
  const taken = new Set<string>();
  for (const org of orgs.rows) {
    const base = slugify(org.name);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base.slice(0, MAX_SLUG - String(n).length - 1).replace(/-+$/, '')}-${n}`;
    taken.add(slug);
    await sql`update organizations set slug = ${slug} where id = ${org.id}`.execute(db);
  }
  await db.schema.createIndex('organizations_slug').unique().on('organizations').column('slug').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('organizations_slug').execute();
  await db.schema.alterTable('organizations').dropColumn('slug').execute();
}
