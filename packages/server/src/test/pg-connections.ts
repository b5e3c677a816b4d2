import pg from 'pg';

/**
 * What a failover or a restarted PostgreSQL does to a server: every connection it holds is
 * terminated. Only the connections of the named server are killed (by application_name; its
 * invalidation listener is `<name>/listen`), so the tests running beside it keep theirs.
 */
export async function terminateConnections(applicationName: string, which: 'all' | 'listener' = 'all'): Promise<number> {
  const url = process.env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const res = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()
         and (application_name = $1 || '/listen' or ($2 and application_name = $1))`,
      [applicationName, which === 'all'],
    );
    return res.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}
