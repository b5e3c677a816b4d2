import type { Database, NewAuditEvent } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertAuditEvent(db: Db, event: NewAuditEvent): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

/** Newest first. */
export async function listAuditEvents(db: Db, accountId: string, limit: number, before: string[] | null) {
  let q = db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId);
  if (before) {
    const [createdAt = '', id = ''] = before;
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
