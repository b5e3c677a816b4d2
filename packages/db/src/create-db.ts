import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { PostgresAdapter } from 'kysely';
import type { MigrationResultSet, SqliteDatabase } from 'kysely';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Database } from './database';
import { migrations } from './migrations/index';

export type Dialect = 'sqlite' | 'postgres';

export interface DbHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The PostgreSQL pool when on PostgreSQL (LISTEN/NOTIFY needs a raw connection). */
  pgPool?: pg.Pool;
  /** The PostgreSQL schema the tables live in, when not the default search path. */
  schema?: string;
  /** The application_name of the PostgreSQL connections, when set (`pg_stat_activity`). */
  applicationName?: string;
  /** The SQLite file when on SQLite (tests read it to prove no secret is stored in plain text). */
  sqliteFile?: string;
}

export type DbOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string; maxConnections?: number; applicationName?: string };

/** How many distinct statements stay prepared (a Map in insertion order: the oldest goes first). */
const MAX_PREPARED_STATEMENTS = 500;

/**
 * Kysely's SQLite driver asks better-sqlite3 to prepare every query anew, which costs several
 * times the query itself (about 30 µs against 5 µs for a token lookup by digest). Statements
 * are reusable and SQLite re-prepares them itself after a schema change, so the recent ones are
 * kept by their SQL text. (Kysely streams with `iterate`, which a shared statement could not do
 * twice at once; nothing here streams.)
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let stmt = prepared.get(sql);
      if (stmt) return stmt;
      stmt = sqlite.prepare(sql);
      if (prepared.size >= MAX_PREPARED_STATEMENTS) {
        const oldest = prepared.keys().next().value;
        if (oldest !== undefined) prepared.delete(oldest);
      }
      prepared.set(sql, stmt);
      return stmt;
    },
  };
}

export function createDb(options: DbOptions): DbHandle {
  if (options.kind === 'sqlite') {
    if (options.file !== ':memory:') mkdirSync(path.dirname(options.file), { recursive: true });
    const sqlite = new BetterSqlite3(options.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }), dialect: 'sqlite', sqliteFile: options.file };
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // A per-test (or per-tenant) schema is selected for every connection of the pool.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    // Names this process's connections in pg_stat_activity (operators, and tests that kill them).
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
    // A connection whose peer vanished (failover, a dropped network) is noticed by TCP itself.
    keepAlive: true,
  });
  // A connection the server terminates (a failover, a restarted PostgreSQL,
  // pg_terminate_backend) emits 'error': from the pool while idle, from the client itself while
  // checked out between two statements. With no listener either ends the process. There is
  // nothing to do here: the statement that runs on it fails and is answered as any failure,
  // the pool drops the connection on release, and the next query opens a new one. The server
  // adds a pool listener that logs it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
    pgPool: pool,
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
  };
}

export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<MigrationResultSet> {
  if (schema === undefined && isPostgres(db)) {
    schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Kysely looks for its bookkeeping tables in every schema unless told which one: with
    // several schemas in one database (tests, tenants) it must be this one.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let result = await migrator.migrateToLatest();
  // Kysely's migrator looks for its tables by listing every schema's tables, checking each
  // schema's privileges by name: a schema another process drops meanwhile (tests, tenants
  // removed) fails that listing with invalid_schema_name. Listing again no longer sees it.
  for (let attempt = 1; attempt < 5 && isOtherSchemaDropped(result.error, schema); attempt++) {
    await new Promise((r) => setTimeout(r, 20 * attempt));
    result = await migrator.migrateToLatest();
  }
  if (result.error) {
    throw new Error('database migration failed', { cause: result.error });
  }
  return result;
}

function isOtherSchemaDropped(error: unknown, ours: string | undefined): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '3F000' && typeof message === 'string' && (ours === undefined || !message.includes(`"${ours}"`));
}

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
