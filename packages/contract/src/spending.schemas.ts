import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Id, Timestamp } from './common.schemas';
import { TokenSource } from './quantum.schemas';

// Spending limits on an organization's provider tokens, the organization's usage per month,
// and what a job is estimated to cost before it is submitted (issue 16, items 3 and 4).

/** Every amount of money is in this currency (the providers' published prices are in USD). */
export const CURRENCY = 'USD';

const Count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
const Money = Type.Number({ minimum: 0, maximum: 100_000_000 });
const Limit = <T extends typeof Count | typeof Money>(t: T) => Type.Union([t, Type.Null()]);

/** A calendar month in UTC, `YYYY-MM`. */
export const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', maxLength: 7 });

const LIMIT_FIELDS = {
  /** Jobs one member may submit with the token per calendar month (UTC). */
  member_jobs_per_month: Limit(Count),
  member_shots_per_month: Limit(Count),
  /** Estimated cost one member may spend per month, in `currency`. */
  member_cost_per_month: Limit(Money),
  /** Jobs the whole organization may submit with the token per month. */
  org_jobs_per_month: Limit(Count),
  org_shots_per_month: Limit(Count),
  org_cost_per_month: Limit(Money),
  /** The most shots one job may have (refused with 422 beyond it). */
  max_shots_per_job: Limit(Count),
};

export type SpendingLimitField = keyof typeof LIMIT_FIELDS;
export const SPENDING_LIMIT_FIELDS = Object.keys(LIMIT_FIELDS) as SpendingLimitField[];

/** PUT body: every limit optional; a missing or null one is "no limit". */
export const PutSpendingLimitBody = Type.Object(
  {
    member_jobs_per_month: Type.Optional(LIMIT_FIELDS.member_jobs_per_month),
    member_shots_per_month: Type.Optional(LIMIT_FIELDS.member_shots_per_month),
    member_cost_per_month: Type.Optional(LIMIT_FIELDS.member_cost_per_month),
    org_jobs_per_month: Type.Optional(LIMIT_FIELDS.org_jobs_per_month),
    org_shots_per_month: Type.Optional(LIMIT_FIELDS.org_shots_per_month),
    org_cost_per_month: Type.Optional(LIMIT_FIELDS.org_cost_per_month),
    max_shots_per_job: Type.Optional(LIMIT_FIELDS.max_shots_per_job),
  },
  { additionalProperties: false },
);
export type PutSpendingLimitBody = Static<typeof PutSpendingLimitBody>;

export const SpendingLimitResponse = Type.Object({
  provider: Type.String(),
  provider_name: Type.String(),
  ...LIMIT_FIELDS,
  currency: Type.Literal(CURRENCY),
  updated_at: Timestamp,
  updated_by: Type.Union([Type.String(), Type.Null()]),
});
export type SpendingLimitResponse = Static<typeof SpendingLimitResponse>;

export const OrgSpendingLimitParams = Type.Object(
  { org: Id, provider: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);

export const UsageQuery = Type.Object({ month: Type.Optional(Month) }, { additionalProperties: false });

const UsageFigures = {
  jobs: Type.Integer(),
  shots: Type.Integer(),
  /** The sum of the jobs' estimated costs, in `currency`. */
  estimated_cost: Type.Number(),
};

export const UsageResponse = Type.Object({
  month: Month,
  starts_at: Timestamp,
  /** When the month's limits reset: the first instant of the next month, UTC. */
  resets_at: Timestamp,
  currency: Type.Literal(CURRENCY),
  /** Per provider, the organization's totals this month and the limits set on its token. */
  providers: Type.Array(
    Type.Object({
      provider: Type.String(),
      provider_name: Type.String(),
      ...UsageFigures,
      limits: Type.Union([SpendingLimitResponse, Type.Null()]),
    }),
  ),
  /** Per member and provider: what each member spent of the organization's tokens this month. */
  members: Type.Array(
    Type.Object({
      user_id: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      email: Type.Union([Type.String(), Type.Null()]),
      provider: Type.String(),
      provider_name: Type.String(),
      ...UsageFigures,
    }),
  ),
  /** The price table the estimates come from: the date its prices were taken. */
  prices_as_of: Type.String({ maxLength: 10 }),
});
export type UsageResponse = Static<typeof UsageResponse>;

/** What one job is estimated to cost, and how. */
export const CostEstimate = Type.Object({
  amount: Type.Number(),
  currency: Type.Literal(CURRENCY),
  per_task: Type.Number(),
  per_shot: Type.Number(),
  /** How the provider bills and how the estimate follows from it. */
  basis: Type.String(),
  /** The date the price was taken from the provider's published pricing (or the operator's table). */
  prices_as_of: Type.String({ maxLength: 10 }),
});
export type CostEstimate = Static<typeof CostEstimate>;

export const EstimateResponse = Type.Object({
  backend_id: Type.String(),
  /** Our provider id (`ionq`, `aws_braket`, `local`, ...). */
  provider: Type.String(),
  provider_name: Type.String(),
  shots: Type.Integer(),
  /** null: the backend costs nothing to use (local.simulator) or has no price in the table. */
  estimated_cost: Type.Union([CostEstimate, Type.Null()]),
  /** Whose provider token the job would spend, in this context. */
  token_source: TokenSource,
  /** The refusal a submission would get now (a spending limit, a missing token), or null. */
  refusal: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});
export type EstimateResponse = Static<typeof EstimateResponse>;
