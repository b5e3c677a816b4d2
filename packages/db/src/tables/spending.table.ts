import type { Insertable, Selectable } from 'kysely';

// Bigint columns: PostgreSQL hands them back as strings, SQLite as numbers; read them with Number().

/** Limits on one provider token of an organization; null: no limit. Money in micro-dollars. */
export interface SpendingLimitTable {
  organization_id: string;
  provider: string;
  member_jobs_per_month: number | string | null;
  member_shots_per_month: number | string | null;
  member_cost_micro_usd: number | string | null;
  org_jobs_per_month: number | string | null;
  org_shots_per_month: number | string | null;
  org_cost_micro_usd: number | string | null;
  max_shots_per_job: number | string | null;
  updated_at: string;
  updated_by: string | null;
}
export type SpendingLimit = Selectable<SpendingLimitTable>;
export type NewSpendingLimit = Insertable<SpendingLimitTable>;

/** What a member (or, with user_id '*', the whole organization) spent of a provider token in a month. */
export interface UsageCounterTable {
  organization_id: string;
  provider: string;
  /** YYYY-MM, UTC. */
  month: string;
  user_id: string;
  jobs: number | string;
  shots: number | string;
  cost_micro_usd: number | string;
}
export type UsageCounter = Selectable<UsageCounterTable>;
