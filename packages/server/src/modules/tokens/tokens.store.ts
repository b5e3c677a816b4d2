import type { Database, NewPersonalAccessToken, PersonalAccessToken, TokenRevocationReason } from '@qonduit/db';
import type { Dialect } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export type TokenState = 'active' | 'expired' | 'revoked';

export async function insertToken(db: Db, token: NewPersonalAccessToken): Promise<void> {
  await db.insertInto('personal_access_tokens').values(token).execute();
}

/** The hot path of every PAT-authenticated request: one indexed lookup by digest. */
export async function findTokenByDigest(db: Db, digest: string) {
  return db
    .selectFrom('personal_access_tokens')
    .select(['id', 'user_id', 'scopes', 'expires_at', 'revoked_at'])
    .where('token_digest', '=', digest)
    .executeTakeFirst();
}

export async function findTokensByDigests(db: Db, digests: string[]) {
  if (digests.length === 0) return [];
  return db.selectFrom('personal_access_tokens').selectAll().where('token_digest', 'in', digests).execute();
}

export async function findToken(db: Db, userId: string, id: string): Promise<PersonalAccessToken | undefined> {
  return db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function listTokens(db: Db, userId: string, state: TokenState | undefined, nowIso: string, limit: number, before: string[] | null) {
  let q = db.selectFrom('personal_access_tokens').selectAll().where('user_id', '=', userId);
  if (state === 'revoked') q = q.where('revoked_at', 'is not', null);
  if (state === 'active') q = q.where('revoked_at', 'is', null).where('expires_at', '>', nowIso);
  if (state === 'expired') q = q.where('revoked_at', 'is', null).where('expires_at', '<=', nowIso);
  if (before) {
    const [createdAt = '', id = ''] = before;
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function activeTokenNamed(db: Db, userId: string, name: string, nowIso: string) {
  return db
    .selectFrom('personal_access_tokens')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
}

/** Serializes one user's token changes (unique active names, rotation) on PostgreSQL. */
export async function lockUser(db: Db, dialect: Dialect, userId: string): Promise<void> {
  let q = db.selectFrom('users').select('id').where('id', '=', userId);
  if (dialect === 'postgres') q = q.forUpdate();
  await q.executeTakeFirst();
}

export async function revokeToken(db: Db, id: string, nowIso: string, reason: TokenRevocationReason): Promise<boolean> {
  const result = await db
    .updateTable('personal_access_tokens')
    .set({ revoked_at: nowIso, revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The token a rotation of `id` issued, if any. */
export async function findSuccessor(db: Db, id: string) {
  return db.selectFrom('personal_access_tokens').select(['id', 'revoked_at']).where('rotated_from', '=', id).executeTakeFirst();
}

export async function revokeFamily(db: Db, familyId: string, nowIso: string): Promise<Array<{ id: string; token_digest: string }>> {
  const live = await db
    .selectFrom('personal_access_tokens')
    .select(['id', 'token_digest'])
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
  if (live.length === 0) return [];
  await db
    .updateTable('personal_access_tokens')
    .set({ revoked_at: nowIso, revoked_reason: 'family' })
    .where('id', 'in', live.map((t) => t.id))
    .execute();
  return live;
}

export async function recordUse(db: Db, id: string, atIso: string, ip: string): Promise<void> {
  await db
    .updateTable('personal_access_tokens')
    .set({ last_used_at: atIso, last_used_ip: ip })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', atIso)]))
    .execute();
}
