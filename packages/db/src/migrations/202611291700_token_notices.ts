import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Token expiry notices (issue 17): a durable outbox. A notice is one row per token and
// threshold: its unique dedupe_key makes every server's scheduler insert it at most once
// (INSERT ... ON CONFLICT DO NOTHING). Its deliveries (one per channel and recipient) are
// written in the same transaction and claimed with a lease, as jobs are, so that two servers
// never send the same delivery at once. A notice never holds a secret: name, hint, expiry.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('token_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('pat_expiring', 'pat_inactive', 'provider_token_failed')`))
    .addColumn('account_type', 'text', (c) => c.notNull().check(sql`account_type in ('user', 'organization')`))
    .addColumn('account_id', 'text', (c) => c.notNull())
    // Set for an organization's notice: its foreign key deletes the notices with the organization.
    .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('token_type', 'text', (c) => c.notNull().check(sql`token_type in ('personal_access_token', 'provider_token')`))
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('token_name', 'text', (c) => c.notNull())
    .addColumn('token_hint', 'text')
    .addColumn('provider', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('threshold_days', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('token_notices_account').on('token_notices').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('notice_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('token_notices.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'webhook')`))
    // An e-mail address, or the account whose webhook receives it.
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('notice_deliveries_once', ['notice_id', 'channel', 'recipient'])
    .execute();
  await db.schema.createIndex('notice_deliveries_due').on('notice_deliveries').columns(['status', 'next_attempt_at']).execute();

  // One webhook per user or organization; its signing secret is sealed like a provider token.
  await db.schema
    .createTable('notice_webhooks')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('account_type', 'text', (c) => c.notNull().check(sql`account_type in ('user', 'organization')`))
    .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('secret_hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  // The iCalendar feed's own token: only its SHA-256 digest is kept.
  await db.schema
    .createTable('calendar_feeds')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('token_digest', 'text', (c) => c.notNull().unique())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('calendar_feeds').execute();
  await db.schema.dropTable('notice_webhooks').execute();
  await db.schema.dropTable('notice_deliveries').execute();
  await db.schema.dropTable('token_notices').execute();
}
