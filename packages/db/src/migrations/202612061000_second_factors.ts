import type { Kysely } from 'kysely';

// Issue 21, the front door: second factors, step-up, and organizations that require them.
// - `sessions.authenticated_at`: when the session's holder last proved who they are (password,
//   second factor, single sign-on); step-up compares it with QONDUIT_STEP_UP_MINUTES. Sessions
//   from before this migration have none and count from their creation.
// - `second_factors`: a user's TOTP authenticators (the secret sealed like provider tokens, never
//   in plain text) and passkeys (WebAuthn credentials: a public key, nothing secret). A TOTP
//   factor counts once confirmed; `last_step` is the last accepted time step, so that a code is
//   accepted once.
// - `recovery_codes`: ten single-use codes per user, as SHA-256 digests (each has 50 random bits
//   and its attempts are rate-limited, so a fast digest is enough).
// - `auth_challenges`: a sign-in that passed its first factor and waits for the second, or a
//   pending passkey ceremony; the id handed to the client is kept only as its digest.
// - the token policy's `require_two_factor` and `require_sso`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('authenticated_at', 'text').execute();
  await db.schema
    .createTable('second_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sealed_secret', 'text')
    .addColumn('key_id', 'text')
    .addColumn('last_step', 'integer')
    .addColumn('credential_id', 'text', (c) => c.unique())
    .addColumn('public_key', 'text')
    .addColumn('sign_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('second_factors_user').on('second_factors').column('user_id').execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_digest', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_digest'])
    .execute();
  await db.schema
    .createTable('auth_challenges')
    .addColumn('id_digest', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('webauthn_challenge', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_challenges_user').on('auth_challenges').column('user_id').execute();
  await db.schema.alterTable('organization_token_policies').addColumn('require_two_factor', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('organization_token_policies').addColumn('require_sso', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('organization_token_policies').dropColumn('require_sso').execute();
  await db.schema.alterTable('organization_token_policies').dropColumn('require_two_factor').execute();
  await db.schema.dropTable('auth_challenges').execute();
  await db.schema.dropTable('recovery_codes').execute();
  await db.schema.dropTable('second_factors').execute();
  await db.schema.alterTable('sessions').dropColumn('authenticated_at').execute();
}
