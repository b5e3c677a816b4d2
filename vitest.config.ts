import { defineConfig } from 'vitest/config';
import type { TestProjectConfiguration } from 'vitest/config';
import { probePostgres, postgresTestUrl } from './test/postgres-probe';

// Tests that touch the database run twice, once per database; pure tests run once.
const dbBound = ['packages/server/**/*.test.ts', 'packages/db/**/*.test.ts'];

export default defineConfig(async () => {
  const url = postgresTestUrl(process.env);
  const pg = await probePostgres(url);
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (!pg.ok && ci) {
    throw new Error(`CI=true requires PostgreSQL for the test suite, but ${url} is unreachable: ${pg.reason}`);
  }
  if (!pg.ok) {
    console.warn(`\n[qonduit] PostgreSQL at ${url} is unreachable (${pg.reason}): the PostgreSQL tests are SKIPPED.\n`);
  }
  // Each project inherits the root options below (timeouts) through `extends: true`.
  const projects: TestProjectConfiguration[] = [
    { extends: true, test: { name: 'unit', include: ['packages/**/*.test.ts'], exclude: [...dbBound, '**/node_modules/**'], globalSetup: ['./test/build-cli.ts'] } },
    { extends: true, test: { name: 'sqlite', include: dbBound, env: { QONDUIT_TEST_DB: 'sqlite' } } },
  ];
  if (pg.ok) {
    projects.push({ extends: true, test: { name: 'postgres', include: dbBound, env: { QONDUIT_TEST_DB: 'postgres', QONDUIT_TEST_DATABASE_URL: url } } });
  }
  return {
    test: {
      projects,
      reporters: ['default', './test/summary-reporter.ts'],
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  };
});
