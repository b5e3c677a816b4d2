import type { Database, NewSession, NewUser, User } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertUser(db: Db, user: NewUser): Promise<boolean> {
  const result = await db
    .insertInto('users')
    .values(user)
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSession(db: Db, session: NewSession): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
}

export async function findLiveSession(db: Db, idDigest: string, nowIso: string) {
  return db
    .selectFrom('sessions')
    .select(['user_id', 'csrf_digest', 'created_at', 'authenticated_at'])
    .where('id_digest', '=', idDigest)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
}

/** The session's user, when there was one to delete. */
export async function deleteSession(db: Db, idDigest: string): Promise<string | null> {
  const row = await db.deleteFrom('sessions').where('id_digest', '=', idDigest).returning('user_id').executeTakeFirst();
  return row?.user_id ?? null;
}

export async function deleteExpiredSessions(db: Db, nowIso: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Step-up: the session's holder proved who they are again. */
export async function markSessionAuthenticated(db: Db, idDigest: string, nowIso: string): Promise<boolean> {
  const result = await db.updateTable('sessions').set({ authenticated_at: nowIso }).where('id_digest', '=', idDigest).where('expires_at', '>', nowIso).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
