import type { Database } from '@qonduit/db';
import type { Kysely } from 'kysely';

/** Who submitted, through Qonduit, the account's job that the provider knows by this id. */
export interface ProxyJobLookup {
  submitterOf(accountId: string, provider: string, providerJobId: string): Promise<string | null>;
}

export function proxyJobLookup(db: Kysely<Database>): ProxyJobLookup {
  return {
    async submitterOf(accountId, provider, providerJobId) {
      const row = await db
        .selectFrom('jobs')
        .select('submitted_by')
        .where('account_id', '=', accountId)
        .where('provider', '=', provider)
        .where('provider_job_id', '=', providerJobId)
        .executeTakeFirst();
      return row?.submitted_by ?? null;
    },
  };
}
