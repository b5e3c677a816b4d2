import type { Database, NewProviderToken, ProviderToken, ProviderTokenStatus } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** An account's tokens with the names of who created and last changed them. */
function withAuthors(db: Db, accountId: string) {
  return db
    .selectFrom('provider_tokens as p')
    .leftJoin('users as c', 'c.id', 'p.created_by')
    .leftJoin('users as u', 'u.id', 'p.updated_by')
    .selectAll('p')
    .select(['c.name as created_by_name', 'u.name as updated_by_name'])
    .where('p.account_id', '=', accountId);
}

export async function listForAccount(db: Db, accountId: string) {
  return withAuthors(db, accountId).orderBy('p.provider').execute();
}

export async function findForAccount(db: Db, accountId: string, provider: string) {
  return withAuthors(db, accountId).where('p.provider', '=', provider).executeTakeFirst();
}

/** organization_id is derived here, so that no insert can leave an organization's token outside the cascade. */
export async function insertProviderToken(db: Db, row: Omit<NewProviderToken, 'organization_id'>): Promise<boolean> {
  const result = await db
    .insertInto('provider_tokens')
    .values({ ...row, organization_id: row.account_type === 'organization' ? row.account_id : null })
    .onConflict((oc) => oc.columns(['account_id', 'provider']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function replaceSecret(
  db: Db,
  id: string,
  values: Pick<ProviderToken, 'sealed' | 'key_id' | 'hints' | 'updated_at' | 'updated_by'>,
): Promise<void> {
  await db
    .updateTable('provider_tokens')
    .set({ ...values, status: 'unchecked', checked_at: null, check_message: null })
    .where('id', '=', id)
    .execute();
}

export async function deleteProviderToken(db: Db, id: string): Promise<void> {
  await db.deleteFrom('provider_tokens').where('id', '=', id).execute();
}

export async function recordCheck(db: Db, id: string, status: ProviderTokenStatus, atIso: string, message: string | null): Promise<void> {
  await db.updateTable('provider_tokens').set({ status, checked_at: atIso, check_message: message }).where('id', '=', id).execute();
}

/**
 * Records a use; answers true when the previous use was before `idleSinceIso` (or never), in
 * one conditional update, so that of two simultaneous uses only one is the first.
 */
export async function recordUse(db: Db, id: string, atIso: string, idleSinceIso: string): Promise<boolean> {
  const first = await db
    .updateTable('provider_tokens')
    .set({ last_used_at: atIso })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', idleSinceIso)]))
    .executeTakeFirst();
  if (Number(first.numUpdatedRows) === 1) return true;
  await db.updateTable('provider_tokens').set({ last_used_at: atIso }).where('id', '=', id).execute();
  return false;
}

export async function listWrappedWith(db: Db, keyIdNot: string, limit: number) {
  return db
    .selectFrom('provider_tokens')
    .select(['id', 'account_id', 'provider', 'sealed', 'key_id'])
    .where('key_id', '!=', keyIdNot)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function updateSealed(db: Db, id: string, sealed: string, keyId: string, previousSealed: string): Promise<boolean> {
  // Compare-and-set: a credential replaced meanwhile is not overwritten with the old one.
  const result = await db
    .updateTable('provider_tokens')
    .set({ sealed, key_id: keyId })
    .where('id', '=', id)
    .where('sealed', '=', previousSealed)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countByKeyId(db: Db) {
  return db
    .selectFrom('provider_tokens')
    .select(['key_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy('key_id')
    .execute();
}
