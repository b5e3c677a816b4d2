import pg from 'pg';

export function postgresTestUrl(env: NodeJS.ProcessEnv): string {
  return env.QONDUIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export async function probePostgres(url: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
