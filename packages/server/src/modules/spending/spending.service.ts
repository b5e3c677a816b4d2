import { AppError } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import { CURRENCY } from '@qonduit/contract';
import type {
  CostEstimate,
  PutSpendingLimitBody,
  SpendingLimitResponse,
  UsageResponse,
} from '@qonduit/contract';
import type { Database, SpendingLimit } from '@qonduit/db';
import { isProviderId, providerById } from '@qonduit/runtime';
import type { Kysely, Transaction } from 'kysely';
import type { Actor, AuditService } from '../audit/audit.service';
import { estimateCost, fromMicro, toMicro } from './prices';
import type { PriceTable } from './prices';
import * as store from './spending.store';
import type { Amount, Caps, CounterKey } from './spending.store';

// Spending limits on an organization's provider tokens (issue 16): what a member and the whole
// organization may spend of each token per calendar month (UTC), in jobs, shots and estimated
// cost, and how many shots one job may have. Usage is counted in the transaction that accepts a
// job (jobs.service.ts), and given back when the job ends without reaching its provider
// (job-worker.ts, and a cancel before submission).

type Db = Kysely<Database> | Transaction<Database>;

/** `YYYY-MM` of an instant, UTC. */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function monthStart(month: string): Date {
  return new Date(`${month}-01T00:00:00.000Z`);
}

/** The first instant of the month after `month`: when its limits reset. */
export function nextMonthStart(month: string): Date {
  const start = monthStart(month);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

interface Limits {
  member: Caps;
  org: Caps;
  maxShotsPerJob: number | null;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

function limitsOf(row: SpendingLimit | undefined): Limits {
  return {
    member: {
      jobs: num(row?.member_jobs_per_month ?? null),
      shots: num(row?.member_shots_per_month ?? null),
      cost: num(row?.member_cost_micro_usd ?? null),
    },
    org: {
      jobs: num(row?.org_jobs_per_month ?? null),
      shots: num(row?.org_shots_per_month ?? null),
      cost: num(row?.org_cost_micro_usd ?? null),
    },
    maxShotsPerJob: num(row?.max_shots_per_job ?? null),
  };
}

export function providerName(provider: string): string {
  return providerById(provider)?.display_name ?? provider;
}

function limitResponse(row: SpendingLimit): SpendingLimitResponse {
  const l = limitsOf(row);
  const usd = (micro: number | null) => (micro === null ? null : fromMicro(micro));
  return {
    provider: row.provider,
    provider_name: providerName(row.provider),
    member_jobs_per_month: l.member.jobs,
    member_shots_per_month: l.member.shots,
    member_cost_per_month: usd(l.member.cost),
    org_jobs_per_month: l.org.jobs,
    org_shots_per_month: l.org.shots,
    org_cost_per_month: usd(l.org.cost),
    max_shots_per_job: l.maxShotsPerJob,
    currency: CURRENCY,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
  };
}

const MEASURES = [
  {
    key: 'jobs',
    words: (n: number) => `${n} ${n === 1 ? 'job' : 'jobs'}`,
    used: (n: number) => `${n} ${n === 1 ? 'job' : 'jobs'}`,
  },
  { key: 'shots', words: (n: number) => `${n} shots`, used: (n: number) => `${n} shots` },
  {
    key: 'cost',
    words: (n: number) => `$${fromMicro(n).toFixed(2)} of estimated cost`,
    used: (n: number) => `$${fromMicro(n).toFixed(2)}`,
  },
] as const;

export interface ChargeInput {
  organizationId: string;
  provider: string;
  userId: string;
  shots: number;
  /** The job's estimated cost in micro-dollars (0 without a price). */
  costMicro: number;
  now: Date;
}

export function createSpendingService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditService;
  prices: PriceTable;
}) {
  const { db, clock } = deps;

  function requireLimitableProvider(provider: string): void {
    // The local simulator spends no token; anything else must be a provider of the catalog.
    if (!isProviderId(provider))
      throw new AppError(
        'not_found',
        `There is no provider '${provider.slice(0, 40)}'; GET /api/v1/providers lists them`,
      );
  }

  /** The refusal for an amount a counter cannot take: which limit, what was used, when it resets. */
  function overLimit(
    scope: 'member' | 'org',
    caps: Caps,
    used: Amount,
    add: Amount,
    provider: string,
    month: string,
  ): AppError {
    const resets = nextMonthStart(month);
    const retryAfter = Math.max(1, Math.ceil((resets.getTime() - clock.now().getTime()) / 1000));
    const who = scope === 'member' ? 'per member' : 'for the whole organization';
    let text = `This job would pass the organization's monthly spending limit on its ${providerName(provider)} token`;
    for (const m of MEASURES) {
      const cap = caps[m.key];
      if (cap !== null && used[m.key] + add[m.key] > cap) {
        const whose = scope === 'member' ? 'you have used' : 'the organization has used';
        text =
          `This job would pass the organization's limit of ${m.words(cap)} ${who} per month on its ${providerName(provider)} token ` +
          `(${whose} ${m.used(used[m.key])} in ${month}; this job adds ${m.used(add[m.key])})`;
        break;
      }
    }
    return new AppError('spending_limit_reached', `${text}; the limit resets at ${resets.toISOString()}`, {
      headers: { 'retry-after': String(retryAfter) },
    });
  }

  function overJobLimit(max: number, shots: number, provider: string): AppError {
    return new AppError(
      'job_over_limit',
      `The organization allows at most ${max} shots per ${providerName(provider)} job; this job has ${shots}`,
      {
        details: [{ field: 'shots', message: `must be at most ${max}` }],
      },
    );
  }

  return {
    /** What a job on a backend is estimated to cost, in the API's shape; null: no price. */
    estimate(backendId: string, shots: number): { micro: number; response: CostEstimate } | null {
      const e = estimateCost(deps.prices, backendId, shots);
      if (!e) return null;
      return {
        micro: e.micro,
        response: {
          amount: fromMicro(e.micro),
          currency: CURRENCY,
          per_task: e.price.per_task,
          per_shot: e.price.per_shot,
          basis: e.price.basis,
          prices_as_of: e.as_of,
        },
      };
    },

    /**
     * Counts a job against its organization's token, inside the transaction that inserts it,
     * or refuses it: 422 beyond the per-job limit, 429 beyond a monthly one (nothing counted).
     * Returns the month it was counted in.
     */
    async charge(trx: Transaction<Database>, input: ChargeInput): Promise<string> {
      const limits = limitsOf(await store.findLimit(trx, input.organizationId, input.provider));
      if (limits.maxShotsPerJob !== null && input.shots > limits.maxShotsPerJob)
        throw overJobLimit(limits.maxShotsPerJob, input.shots, input.provider);
      const month = monthOf(input.now);
      const key = (userId: string): CounterKey => ({
        organizationId: input.organizationId,
        provider: input.provider,
        month,
        userId,
      });
      const add: Amount = { jobs: 1, shots: input.shots, cost: input.costMicro };
      await store.ensureCounters(trx, [key(input.userId), key(store.ORG_TOTAL)]);
      for (const [scope, userId, caps] of [
        ['member', input.userId, limits.member],
        ['org', store.ORG_TOTAL, limits.org],
      ] as const) {
        if (!(await store.addWithin(trx, key(userId), add, caps))) {
          throw overLimit(scope, caps, await store.readCounter(trx, key(userId)), add, input.provider, month);
        }
      }
      return month;
    },

    /** The refusal `charge` would give now, without counting anything (for estimates). */
    async wouldRefuse(input: ChargeInput): Promise<AppError | null> {
      const limits = limitsOf(await store.findLimit(db, input.organizationId, input.provider));
      if (limits.maxShotsPerJob !== null && input.shots > limits.maxShotsPerJob)
        return overJobLimit(limits.maxShotsPerJob, input.shots, input.provider);
      const month = monthOf(input.now);
      const add: Amount = { jobs: 1, shots: input.shots, cost: input.costMicro };
      for (const [scope, userId, caps] of [
        ['member', input.userId, limits.member],
        ['org', store.ORG_TOTAL, limits.org],
      ] as const) {
        const used = await store.readCounter(db, {
          organizationId: input.organizationId,
          provider: input.provider,
          month,
          userId,
        });
        if (MEASURES.some((m) => caps[m.key] !== null && used[m.key] + add[m.key] > (caps[m.key] ?? 0)))
          return overLimit(scope, caps, used, add, input.provider, month);
      }
      return null;
    },

    /** Gives a job's usage back (it never reached its provider); a no-op for an uncounted job. */
    returnUsage: (trx: Db, jobId: string) => store.returnJobUsage(trx, jobId),

    async listLimits(organizationId: string): Promise<SpendingLimitResponse[]> {
      return (await store.listLimits(db, organizationId)).map(limitResponse);
    },

    async getLimit(organizationId: string, provider: string): Promise<SpendingLimitResponse> {
      requireLimitableProvider(provider);
      const row = await store.findLimit(db, organizationId, provider);
      if (!row)
        throw new AppError(
          'not_found',
          `No spending limit is set on the organization's ${providerName(provider)} token`,
        );
      return limitResponse(row);
    },

    async setLimit(
      organizationId: string,
      provider: string,
      body: PutSpendingLimitBody,
      actor: Actor,
    ): Promise<SpendingLimitResponse> {
      requireLimitableProvider(provider);
      const micro = (usd: number | null | undefined) =>
        usd === undefined || usd === null ? null : toMicro(usd);
      const row: SpendingLimit = {
        organization_id: organizationId,
        provider,
        member_jobs_per_month: body.member_jobs_per_month ?? null,
        member_shots_per_month: body.member_shots_per_month ?? null,
        member_cost_micro_usd: micro(body.member_cost_per_month),
        org_jobs_per_month: body.org_jobs_per_month ?? null,
        org_shots_per_month: body.org_shots_per_month ?? null,
        org_cost_micro_usd: micro(body.org_cost_per_month),
        max_shots_per_job: body.max_shots_per_job ?? null,
        updated_at: clock.now().toISOString(),
        updated_by: actor.userId,
      };
      const response = limitResponse(row);
      await db.transaction().execute(async (trx) => {
        await store.upsertLimit(trx, row);
        const {
          provider: _p,
          provider_name: _n,
          currency: _c,
          updated_at: _u,
          updated_by: _b,
          ...limits
        } = response;
        await deps.audit.record(
          {
            account: { id: organizationId, type: 'organization' },
            actor,
            action: 'spending_limit.set',
            target: { type: 'provider_token', id: null, name: provider },
            details: { provider, ...limits },
          },
          trx,
        );
      });
      return response;
    },

    async removeLimit(organizationId: string, provider: string, actor: Actor): Promise<void> {
      requireLimitableProvider(provider);
      await db.transaction().execute(async (trx) => {
        if (!(await store.deleteLimit(trx, organizationId, provider))) {
          throw new AppError(
            'not_found',
            `No spending limit is set on the organization's ${providerName(provider)} token`,
          );
        }
        await deps.audit.record(
          {
            account: { id: organizationId, type: 'organization' },
            actor,
            action: 'spending_limit.removed',
            target: { type: 'provider_token', id: null, name: provider },
            details: { provider },
          },
          trx,
        );
      });
    },

    async usage(organizationId: string, month: string | undefined): Promise<UsageResponse> {
      const which = month ?? monthOf(clock.now());
      const [rows, limits] = await Promise.all([
        store.monthCounters(db, organizationId, which),
        store.listLimits(db, organizationId),
      ]);
      const figures = (r: {
        jobs: number | string;
        shots: number | string;
        cost_micro_usd: number | string;
      }) => ({
        jobs: Number(r.jobs),
        shots: Number(r.shots),
        estimated_cost: fromMicro(Number(r.cost_micro_usd)),
      });
      const limitBy = new Map(limits.map((l) => [l.provider, limitResponse(l)]));
      const totals = new Map(
        rows.filter((r) => r.user_id === store.ORG_TOTAL).map((r) => [r.provider, figures(r)]),
      );
      const providers = [...new Set([...totals.keys(), ...limitBy.keys()])].sort();
      return {
        month: which,
        starts_at: monthStart(which).toISOString(),
        resets_at: nextMonthStart(which).toISOString(),
        currency: CURRENCY,
        providers: providers.map((p) => ({
          provider: p,
          provider_name: providerName(p),
          ...(totals.get(p) ?? { jobs: 0, shots: 0, estimated_cost: 0 }),
          limits: limitBy.get(p) ?? null,
        })),
        members: rows
          .filter((r) => r.user_id !== store.ORG_TOTAL && Number(r.jobs) > 0)
          .map((r) => ({
            user_id: r.user_id,
            name: r.name,
            email: r.email,
            provider: r.provider,
            provider_name: providerName(r.provider),
            ...figures(r),
          })),
        prices_as_of: deps.prices.as_of,
      };
    },
  };
}

export type SpendingService = ReturnType<typeof createSpendingService>;
