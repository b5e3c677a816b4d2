import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Database } from '@qonduit/db';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { withErrors } from '@qonduit/contract';

export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database reachability',
        response: withErrors({ 200: Type.Object({ status: Type.Literal('ok'), database: Type.Literal('ok') }) }),
      },
    },
    async () => {
      await sql`select 1`.execute(db);
      return { status: 'ok' as const, database: 'ok' as const };
    },
  );
};
