import type { AuthChallenge, Database, NewSecondFactor, SecondFactor } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertFactor(db: Db, row: NewSecondFactor): Promise<void> {
  await db.insertInto('second_factors').values(row).execute();
}

export async function findFactor(db: Db, userId: string, id: string): Promise<SecondFactor | undefined> {
  return db.selectFrom('second_factors').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function listFactors(db: Db, userId: string): Promise<SecondFactor[]> {
  return db.selectFrom('second_factors').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

export async function confirmedFactors(db: Db, userId: string): Promise<SecondFactor[]> {
  return db.selectFrom('second_factors').selectAll().where('user_id', '=', userId).where('confirmed_at', 'is not', null).orderBy('created_at').orderBy('id').execute();
}

export async function hasConfirmedFactor(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('second_factors').select('id').where('user_id', '=', userId).where('confirmed_at', 'is not', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Accepts a TOTP step once: only if it is later than the last accepted one, in one statement,
 * so that two requests racing with the same code cannot both pass.
 */
export async function acceptTotpStep(db: Db, id: string, step: number, nowIso: string, confirm: boolean): Promise<boolean> {
  let q = db
    .updateTable('second_factors')
    .set(confirm ? { last_step: step, last_used_at: nowIso, confirmed_at: nowIso } : { last_step: step, last_used_at: nowIso })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]));
  q = confirm ? q.where('confirmed_at', 'is', null) : q.where('confirmed_at', 'is not', null);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteFactor(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('second_factors').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Enrolments never confirmed: a new one replaces them. */
export async function deleteUnconfirmedTotp(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('second_factors').where('user_id', '=', userId).where('kind', '=', 'totp').where('confirmed_at', 'is', null).execute();
}

export async function replaceRecoveryCodes(db: Db, userId: string, digests: string[], nowIso: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (digests.length > 0) await db.insertInto('recovery_codes').values(digests.map((code_digest) => ({ user_id: userId, code_digest, created_at: nowIso, used_at: null }))).execute();
}

export async function deleteRecoveryCodes(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

/** Uses a recovery code once: the conditional update is what makes a second use fail. */
export async function useRecoveryCode(db: Db, userId: string, digest: string, nowIso: string): Promise<boolean> {
  const result = await db.updateTable('recovery_codes').set({ used_at: nowIso }).where('user_id', '=', userId).where('code_digest', '=', digest).where('used_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function unusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number | string>().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function insertChallenge(db: Db, row: AuthChallenge): Promise<void> {
  await db.insertInto('auth_challenges').values(row).execute();
}

export async function findChallenge(db: Db, idDigest: string, nowIso: string): Promise<AuthChallenge | undefined> {
  return db.selectFrom('auth_challenges').selectAll().where('id_digest', '=', idDigest).where('expires_at', '>', nowIso).executeTakeFirst();
}

/** Counts a wrong answer; past `max` the challenge is gone and sign-in starts again. */
export async function countChallengeFailure(db: Db, idDigest: string, max: number): Promise<void> {
  await db.updateTable('auth_challenges').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id_digest', '=', idDigest).execute();
  await db.deleteFrom('auth_challenges').where('id_digest', '=', idDigest).where('attempts', '>=', max).execute();
}

/** Consumes the challenge; only one request can (the delete is counted). */
export async function consumeChallenge(db: Db, idDigest: string): Promise<boolean> {
  const result = await db.deleteFrom('auth_challenges').where('id_digest', '=', idDigest).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function deleteExpiredChallenges(db: Db, nowIso: string): Promise<number> {
  const result = await db.deleteFrom('auth_challenges').where('expires_at', '<=', nowIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Master key administration: TOTP secrets are sealed under the same versions as provider tokens.
export async function countTotpByKeyId(db: Db) {
  return db.selectFrom('second_factors').select(['key_id', (eb) => eb.fn.countAll<number | string>().as('n')]).where('key_id', 'is not', null).groupBy('key_id').execute();
}

export async function totpWrappedWithout(db: Db, activeKeyId: string, limit: number) {
  return db.selectFrom('second_factors').select(['id', 'user_id', 'sealed_secret']).where('key_id', 'is not', null).where('key_id', '<>', activeKeyId).orderBy('id').limit(limit).execute();
}

export async function updateTotpSealed(db: Db, id: string, sealed: string, keyId: string, previous: string): Promise<boolean> {
  const result = await db.updateTable('second_factors').set({ sealed_secret: sealed, key_id: keyId }).where('id', '=', id).where('sealed_secret', '=', previous).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
