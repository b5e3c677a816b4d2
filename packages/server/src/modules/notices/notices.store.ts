import type { Database, MembershipRole, NewNoticeDelivery, NewTokenNotice, NoticeDeliveryTable } from '@qonduit/db';
import { sql } from 'kysely';
import type { Kysely, Transaction, Updateable } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** Tokens read per query of a scan; a scan pages through all of them. */
export const SCAN_BATCH = 500;

export interface ExpiringPat {
  id: string;
  user_id: string;
  name: string;
  hint: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
}

/** Live PATs expiring in (now, untilIso], in (expires_at, id) order after `after`. */
export async function patsExpiringBy(db: Db, nowIso: string, untilIso: string, after: [string, string] | null): Promise<ExpiringPat[]> {
  let q = db
    .selectFrom('personal_access_tokens')
    .select(['id', 'user_id', 'name', 'hint', 'created_at', 'expires_at', 'last_used_at'])
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .where('expires_at', '<=', untilIso);
  if (after) q = q.where((eb) => eb.or([eb('expires_at', '>', after[0]), eb.and([eb('expires_at', '=', after[0]), eb('id', '>', after[1])])]));
  return q.orderBy('expires_at').orderBy('id').limit(SCAN_BATCH).execute();
}

/** Live PATs last used (or, never used, created) at or before `beforeIso`, in id order after `after`. */
export async function patsUnusedSince(db: Db, nowIso: string, beforeIso: string, after: string | null): Promise<ExpiringPat[]> {
  let q = db
    .selectFrom('personal_access_tokens')
    .select(['id', 'user_id', 'name', 'hint', 'created_at', 'expires_at', 'last_used_at'])
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .where(sql<string>`coalesce(last_used_at, created_at)`, '<=', beforeIso);
  if (after) q = q.where('id', '>', after);
  return q.orderBy('id').limit(SCAN_BATCH).execute();
}

/** Organizations' provider tokens whose last check failed, in id order after `after`. */
export async function failedOrgProviderTokens(db: Db, after: string | null) {
  let q = db
    .selectFrom('provider_tokens')
    .innerJoin('organizations', 'organizations.id', 'provider_tokens.account_id')
    .select([
      'provider_tokens.id',
      'provider_tokens.account_id',
      'provider_tokens.provider',
      'provider_tokens.hints',
      'provider_tokens.updated_at',
      'provider_tokens.checked_at',
      'provider_tokens.check_message',
      'organizations.name as organization_name',
    ])
    .where('provider_tokens.account_type', '=', 'organization')
    .where('provider_tokens.status', '=', 'invalid');
  if (after) q = q.where('provider_tokens.id', '>', after);
  return q.orderBy('provider_tokens.id').limit(SCAN_BATCH).execute();
}

/** Deliveries go with their notice (foreign key, on delete cascade). */
export async function deleteNoticesBefore(db: Db, beforeIso: string): Promise<void> {
  await db.deleteFrom('notice_deliveries').where('notice_id', 'in', (eb) => eb.selectFrom('token_notices').select('id').where('created_at', '<', beforeIso)).execute();
  await db.deleteFrom('token_notices').where('created_at', '<', beforeIso).execute();
}

export async function existingKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.selectFrom('token_notices').select('dedupe_key').where('dedupe_key', 'in', keys).execute();
  return new Set(rows.map((r) => r.dedupe_key));
}

export async function noticeByKey(db: Db, key: string) {
  return db.selectFrom('token_notices').select(['id', 'created_at']).where('dedupe_key', '=', key).executeTakeFirst();
}

/**
 * Inserts the notice unless one with its key exists (another server got there first): true
 * when this call created it. Runs in the caller's transaction, with its deliveries.
 */
export async function insertNoticeOnce(db: Db, notice: NewTokenNotice): Promise<boolean> {
  const inserted = await db
    .insertInto('token_notices')
    .values(notice)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function insertDeliveries(db: Db, rows: NewNoticeDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('notice_deliveries').values(rows).execute();
}

export async function userEmail(db: Db, userId: string) {
  return db.selectFrom('users').select(['email', 'name']).where('id', '=', userId).executeTakeFirst();
}

/** The e-mail addresses of the members with these roles. */
export async function memberEmails(db: Db, organizationId: string, roles: readonly MembershipRole[]) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.email', 'users.name'])
    .where('memberships.organization_id', '=', organizationId)
    .where('memberships.role', 'in', [...roles])
    .orderBy('users.email')
    .limit(200)
    .execute();
}

export async function webhookOf(db: Db, accountId: string) {
  return db.selectFrom('notice_webhooks').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Due deliveries nobody holds: candidates only; `claim` takes each with a conditional update. */
export async function dueDeliveries(db: Db, nowIso: string, limit: number) {
  return db
    .selectFrom('notice_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Leases one delivery: true only for the one process whose update found it free. */
export async function claim(db: Db, id: string, owner: string, nowIso: string, leaseUntilIso: string): Promise<boolean> {
  const result = await db
    .updateTable('notice_deliveries')
    .set({ lease_owner: owner, lease_expires_at: leaseUntilIso })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', nowIso)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function patIsLive(db: Db, id: string, nowIso: string): Promise<boolean> {
  const row = await db.selectFrom('personal_access_tokens').select('id').where('id', '=', id).where('revoked_at', 'is', null).where('expires_at', '>', nowIso).executeTakeFirst();
  return row !== undefined;
}

export async function deliveryWithNotice(db: Db, id: string) {
  return db
    .selectFrom('notice_deliveries')
    .innerJoin('token_notices', 'token_notices.id', 'notice_deliveries.notice_id')
    .select([
      'notice_deliveries.id as delivery_id',
      'notice_deliveries.channel',
      'notice_deliveries.recipient',
      'notice_deliveries.attempts',
      'token_notices.id',
      'token_notices.dedupe_key',
      'token_notices.kind',
      'token_notices.account_type',
      'token_notices.account_id',
      'token_notices.organization_id',
      'token_notices.token_type',
      'token_notices.token_id',
      'token_notices.token_name',
      'token_notices.token_hint',
      'token_notices.provider',
      'token_notices.expires_at',
      'token_notices.threshold_days',
      'token_notices.created_at',
    ])
    .where('notice_deliveries.id', '=', id)
    .executeTakeFirst();
}

/** Writes a delivery's outcome only while `owner` holds its lease (fencing). */
export async function finish(db: Db, id: string, owner: string, values: Updateable<NoticeDeliveryTable>): Promise<boolean> {
  const result = await db
    .updateTable('notice_deliveries')
    .set({ ...values, lease_owner: null, lease_expires_at: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listNotices(db: Db, accountId: string, limit: number, before: string[] | null) {
  let q = db.selectFrom('token_notices').selectAll().where('account_id', '=', accountId);
  if (before) {
    const [createdAt = '', id = ''] = before;
    q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function deliveriesOf(db: Db, noticeIds: string[]) {
  if (noticeIds.length === 0) return [];
  return db
    .selectFrom('notice_deliveries')
    .select(['notice_id', 'channel', 'status', 'attempts', 'last_error', 'next_attempt_at', 'sent_at'])
    .where('notice_id', 'in', noticeIds)
    .orderBy('created_at')
    .execute();
}

// Webhook signing secrets are sealed under the master key like provider tokens: key
// administration (modules/keys) counts, rewraps and guards them too.

export async function countWebhooksByKeyId(db: Db) {
  return db.selectFrom('notice_webhooks').select(['key_id', db.fn.countAll<string | number>().as('n')]).groupBy('key_id').execute();
}

export async function webhooksWrappedWithout(db: Db, activeKeyId: string, limit: number) {
  return db.selectFrom('notice_webhooks').select(['account_id', 'sealed_secret']).where('key_id', '<>', activeKeyId).orderBy('account_id').limit(limit).execute();
}

/** Replaces the sealed secret only if it is still the one that was read (a concurrent reset wins). */
export async function updateWebhookSealed(db: Db, accountId: string, sealed: string, keyId: string, previous: string): Promise<boolean> {
  const result = await db
    .updateTable('notice_webhooks')
    .set({ sealed_secret: sealed, key_id: keyId })
    .where('account_id', '=', accountId)
    .where('sealed_secret', '=', previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
