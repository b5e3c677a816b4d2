import type { Database, NewPersonalAccessToken, PersonalAccessToken, TokenRevocationReason } from '@qonduit/db';
import type { Dialect } from '@qonduit/db';
import { PostgresAdapter, sql } from 'kysely';
import type { CompiledQuery, Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export type TokenState = 'active' | 'expired' | 'revoked';

export async function insertToken(db: Db, token: NewPersonalAccessToken): Promise<void> {
  await db.insertInto('personal_access_tokens').values(token).execute();
}

function tokenByDigestQuery(db: Db, digest: string) {
  return db
    .selectFrom('personal_access_tokens')
    .select(['id', 'user_id', 'name', 'scopes', 'created_at', 'expires_at', 'revoked_at', 'organization_ids', 'allowed_ips'])
    .where('token_digest', '=', digest);
}
type TokenByDigestRow = Awaited<ReturnType<ReturnType<typeof tokenByDigestQuery>['executeTakeFirstOrThrow']>>;

// Building and compiling the query costs several times the indexed read itself (bench P2), on
// every cold verification: it is compiled once per database handle, and only its one
// parameter, the digest, changes.
const compiledByDigest = new WeakMap<Db, CompiledQuery<TokenByDigestRow>>();

/** The hot path of every PAT-authenticated request: one indexed lookup by digest. */
export async function findTokenByDigest(db: Db, digest: string): Promise<TokenByDigestRow | undefined> {
  let compiled = compiledByDigest.get(db);
  if (!compiled) {
    compiled = tokenByDigestQuery(db, '').compile();
    if (compiled.parameters.length !== 1) throw new Error('the token lookup must have exactly one parameter');
    compiledByDigest.set(db, compiled);
  }
  const { rows } = await db.executeQuery<TokenByDigestRow>({ ...compiled, parameters: [digest] });
  return rows[0];
}

export async function findTokensByDigests(db: Db, digests: string[]) {
  if (digests.length === 0) return [];
  return db.selectFrom('personal_access_tokens').selectAll().where('token_digest', 'in', digests).execute();
}

export async function findToken(db: Db, userId: string, id: string): Promise<PersonalAccessToken | undefined> {
  return db.selectFrom('personal_access_tokens').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** `endedAfter`: leave out tokens revoked or expired at or before this moment (list retention). */
export async function listTokens(db: Db, userId: string, state: TokenState | undefined, nowIso: string, limit: number, before: string[] | null, endedAfter: string | null = null) {
  let q = db.selectFrom('personal_access_tokens').selectAll().where('user_id', '=', userId);
  if (endedAfter !== null) {
    q = q.where((eb) =>
      eb.or([eb.and([eb('revoked_at', 'is', null), eb('expires_at', '>', endedAfter)]), eb('revoked_at', '>', endedAfter)]),
    );
  }
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

/** Sets where a token may be used from (null: anywhere). */
export async function setAllowedIps(db: Db, id: string, allowedIps: string | null): Promise<void> {
  await db.updateTable('personal_access_tokens').set({ allowed_ips: allowedIps }).where('id', '=', id).execute();
}

/** The names of organizations by id (a deleted organization is missing from the answer). */
export async function organizationNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('organizations').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Which of these organizations the user is a member of now. */
export async function memberOf(db: Db, userId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('memberships').select('organization_id').where('user_id', '=', userId).where('organization_id', 'in', [...ids]).execute();
  return new Set(rows.map((r) => r.organization_id));
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

export interface TokenUse {
  id: string;
  atIso: string;
  ip: string;
}

/** Rows per statement of recordUses: 10⁵ tokens used in one flush window are 10 statements. */
export const USES_PER_STATEMENT = 10_000;

/**
 * Writes many tokens' last use at once: the batch travels as one JSON parameter, so each
 * statement has one bind variable however many rows it updates (no parameter limit to mind). A
 * use never moves last_used_at backwards (another server may have written a later one). Rows are
 * given in id order so that concurrent flushes tend to lock in the same order; a deadlock that
 * still happens fails the flush, whose uses are kept for the next one.
 */
export async function recordUses(db: Db, uses: readonly TokenUse[]): Promise<void> {
  const sorted = [...uses].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (let i = 0; i < sorted.length; i += USES_PER_STATEMENT) {
    const json = JSON.stringify(sorted.slice(i, i + USES_PER_STATEMENT).map((u) => ({ id: u.id, at: u.atIso, ip: u.ip })));
    const source = postgres
      ? sql`json_to_recordset(${json}::json) as v(id text, at text, ip text)`
      : sql`(select json_extract(value, '$.id') as id, json_extract(value, '$.at') as at, json_extract(value, '$.ip') as ip from json_each(${json})) as v`;
    await sql`
      update personal_access_tokens as t set last_used_at = v.at, last_used_ip = v.ip
      from ${source}
      where t.id = v.id and (t.last_used_at is null or t.last_used_at < v.at)`.execute(db);
  }
}
