import type { Database, NewAuditEvent } from '@qonduit/db';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

/** The names an actor goes by now; read in the caller's transaction, so a user created in it is found. */
export async function actorNames(db: Db, userId: string | null, tokenId: string | null): Promise<{ name: string | null; tokenName: string | null }> {
  const user = userId ? await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst() : undefined;
  const token = tokenId ? await db.selectFrom('personal_access_tokens').select('name').where('id', '=', tokenId).executeTakeFirst() : undefined;
  return { name: user?.name ?? null, tokenName: token?.name ?? null };
}

export interface AuditFilter {
  actorUserId?: string;
  /** One action, or with `prefix` every action that starts with it. */
  action?: { value: string; prefix: boolean };
  /** ISO timestamps: since inclusive, until exclusive. */
  since?: string;
  until?: string;
}

/** Newest first. */
export async function listAuditEvents(db: Db, accountId: string, filter: AuditFilter, limit: number, before: string[] | null) {
  let q = db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId);
  if (filter.actorUserId !== undefined) q = q.where('actor_user_id', '=', filter.actorUserId);
  if (filter.action) {
    const { value, prefix } = filter.action;
    // Not a range (>= 'member.' and < 'member/'): under PostgreSQL's usual linguistic collations
    // punctuation does not sort by its code. The index on (account_id, action, ...) still bounds
    // the scan to the account's entries.
    q = prefix ? q.where(sql<boolean>`action like ${`${escapeLike(value)}%`} escape '\\'`) : q.where('action', '=', value);
  }
  if (filter.since !== undefined) q = q.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('created_at', '<', filter.until);
  if (before) {
    const [createdAt = '', id = ''] = before;
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
