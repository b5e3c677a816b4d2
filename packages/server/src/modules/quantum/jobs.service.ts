import { AppError, newId, notFound } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { BackendAccess, EstimateResponse, InputFormat, SubmitJobBody } from '@qonduit/contract';
import type { Database, Dialect, Job } from '@qonduit/db';
import {
  BACKENDS,
  CircuitError,
  backendById,
  drivableByPlanqkQiskit,
  isPlanqkInputFormat,
  planqkGateNames,
  planqkInputFormats,
  providerById,
  simulationBudgetProblem,
} from '@qonduit/runtime';
import type { BackendInfo, ProviderId } from '@qonduit/runtime';
import type { Kysely } from 'kysely';
import type { OrgContext, Principal } from '../../plugins/auth';
import type { AuditService } from '../audit/audit.service';
import { assertMay } from '../orgs/org-policy';
import type { ProviderTokenService } from '../provider-tokens/provider-tokens.service';
import { monthOf } from '../spending/spending.service';
import type { SpendingService } from '../spending/spending.service';
import type { CredentialResolver, TokenSource } from './credential-resolver';
import * as store from './jobs.store';
import type { JobSummary } from './jobs.store';
import { programFacts } from './program-facts';
import type { ProgramFacts } from './program-facts';
import { SimulationError } from './simulator-pool';

/** Reads large programs off the event loop (a worker-thread pool of its own). */
export interface ProgramReader {
  facts(format: string, input: string): Promise<ProgramFacts>;
}

/** What a client told "queue full" is asked to wait before trying again. */
const QUEUE_FULL_RETRY_AFTER_SECONDS = 30;

export function toJobResponse(job: JobSummary) {
  const format = job.input_format as InputFormat;
  return {
    id: job.id,
    backend_id: job.backend_id,
    provider: backendById(job.backend_id)?.planqk_provider ?? ('UNKNOWN' as const),
    status: job.status,
    shots: job.shots,
    name: job.name,
    tags: JSON.parse(job.tags) as string[],
    input_format: isPlanqkInputFormat(format) ? format : null,
    created_at: job.created_at,
    started_at: job.started_at,
    ended_at: job.ended_at,
    token_source: job.token_source,
    error_message: job.error_message,
    qonduit: {
      provider: job.provider,
      provider_name: providerLabel(job.provider),
      input_format: format,
      estimated_cost: job.estimated_cost_micro_usd === null ? null : { amount: Number(job.estimated_cost_micro_usd) / 1_000_000, currency: 'USD' as const },
    },
  };
}

function unsupported(message: string, field = 'input'): AppError {
  return new AppError('unsupported_circuit', message, { details: [{ field, message }] });
}

// Programs up to this size are read on the request thread (a few milliseconds at most); larger
// ones in a worker thread, so that no submission can hold the event loop.
export const INLINE_PROGRAM_BYTES = 16_384;

/** Reads the program for submission, or says (400) why it cannot be read. */
async function readForSubmission(reader: ProgramReader, format: InputFormat, input: unknown): Promise<ProgramFacts> {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  try {
    if (text.length <= INLINE_PROGRAM_BYTES) return programFacts(format, input);
    return await reader.facts(format, text);
  } catch (err) {
    if (err instanceof CircuitError) throw unsupported(err.message);
    if (err instanceof SimulationError && err.kind === 'invalid') throw unsupported(err.message);
    if (err instanceof SimulationError && err.kind === 'deadline') throw unsupported('Reading the program took too long; send a smaller program');
    throw err;
  }
}

/** Everything a backend cannot take is refused here, before any provider is called. */
export function checkFits(backend: BackendInfo, program: ProgramFacts, shots: number, format: InputFormat): void {
  if (!backend.jobs) {
    throw unsupported(`${backend.name} does not take jobs through this API; use the provider proxy (/proxy/${backend.provider}/...)`, 'backend_id');
  }
  if (!backend.input_formats.includes(format)) {
    throw unsupported(`${backend.name} does not take ${format}; it takes ${backend.input_formats.join(', ')}`, 'input_format');
  }
  if (program.qubits > backend.qubit_count) {
    throw unsupported(`The circuit uses ${program.qubits} qubits but ${backend.name} has ${backend.qubit_count}`);
  }
  if (program.qubits === 0) throw unsupported('The circuit has no qubits');
  if (shots < backend.shots.min || shots > backend.shots.max) {
    throw unsupported(`shots must be from ${backend.shots.min} to ${backend.shots.max} on ${backend.name}, got ${shots}`, 'shots');
  }
  if (program.measurementProblem) throw unsupported(program.measurementProblem);
}

export function createJobService(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  audit: AuditService;
  resolver: CredentialResolver;
  providerTokens: ProviderTokenService;
  limits: { maxQueuedPerAccount: number; simulatorMaxWork: number };
  programs: ProgramReader;
  /** Cost estimates, and the spending limits on organizations' provider tokens. */
  spending: SpendingService;
  /** Wakes the worker so that a new job starts without waiting for the next tick. */
  onSubmitted: () => void;
}) {
  const { db, clock, resolver } = deps;

  const accountOf = (principal: Principal, org: OrgContext | null) =>
    org ? { id: org.organizationId, type: 'organization' as const } : { id: principal.userId, type: 'user' as const };

  async function visibleJob(principal: Principal, org: OrgContext | null, id: string): Promise<Job> {
    const job = await store.findJob(db, accountOf(principal, org).id, id);
    if (!job) throw notFound('Job');
    return job;
  }

  /** What the backend and the program are, or why the backend cannot take the job (400/404). */
  async function validate(body: SubmitJobBody): Promise<{ backend: BackendInfo; program: ProgramFacts }> {
    const backend = backendById(body.backend_id);
    if (!backend) throw new AppError('not_found', `There is no backend '${body.backend_id}'; GET /quantum/backends lists them`);
    if (body.provider && !backendMatchesProvider(backend, body.provider)) {
      throw new AppError('validation_failed', `${backend.id} is a ${backend.planqk_provider} backend (${providerLabel(backend.provider)}), not ${body.provider}`, {
        details: [{ field: 'provider', message: `must be ${backend.planqk_provider} or ${backend.provider}` }],
      });
    }
    const program = await readForSubmission(deps.programs, body.input_format, body.input);
    checkFits(backend, program, body.shots, body.input_format);
    if (backend.provider === 'local') {
      const overBudget = simulationBudgetProblem(program.work, program.qubits, deps.limits.simulatorMaxWork);
      if (overBudget) throw unsupported(overBudget);
    }
    return { backend, program };
  }

  return {
    accountOf,

    async submit(principal: Principal, org: OrgContext | null, ip: string, body: SubmitJobBody, idempotencyKey?: string) {
      if (idempotencyKey) {
        const earlier = await store.findByIdempotencyKey(db, accountOf(principal, org).id, idempotencyKey);
        if (earlier) return toJobResponse(earlier);
      }
      const { backend, program } = await validate(body);

      // The credential is decided now and recorded by source; the secret is fetched again at run time.
      let tokenSource: Job['token_source'] = 'none';
      let tokenRecordId: string | null = null;
      if (backend.provider !== 'local') {
        const resolved = await resolver.resolve(principal.userId, org, backend.provider);
        if (!resolved) throw resolver.missing(backend.provider, org);
        tokenSource = resolved.source;
        tokenRecordId = resolved.recordId;
      }

      const now = clock.now();
      const nowIso = now.toISOString();
      const account = accountOf(principal, org);
      const cost = deps.spending.estimate(backend.id, body.shots);
      // A job spending the organization's own token counts against its spending limits.
      const counted = tokenSource === 'organization' && org !== null;
      const job: Job = {
        id: newId(),
        account_id: account.id,
        account_type: account.type,
        submitted_by: principal.userId,
        backend_id: backend.id,
        provider: backend.provider,
        status: 'PENDING',
        shots: body.shots,
        name: body.name ?? null,
        tags: JSON.stringify(body.tags ?? []),
        input_format: body.input_format,
        input: typeof body.input === 'string' ? body.input : JSON.stringify(body.input),
        qubits: program.qubits,
        token_source: tokenSource,
        token_record_id: tokenRecordId,
        provider_job_id: null,
        result: null,
        error_message: null,
        created_at: nowIso,
        started_at: null,
        ended_at: null,
        attempts: 0,
        next_run_at: nowIso,
        lease_owner: null,
        lease_expires_at: null,
        idempotency_key: idempotencyKey ?? null,
        submit_attempt_id: null,
        submit_attempt_at: null,
        estimated_cost_micro_usd: cost?.micro ?? null,
        usage_month: counted ? monthOf(now) : null,
      };
      const inserted = await db.transaction().execute(async (trx) => {
        // Counted and inserted under the account's lock, so that concurrent submissions cannot
        // overshoot the limit together.
        const queued = await store.countQueuedLocked(trx, deps.dialect, account.id);
        if (queued >= deps.limits.maxQueuedPerAccount) {
          throw new AppError(
            'rate_limited',
            `This account already has ${queued} jobs waiting to start, the most it may queue (${deps.limits.maxQueuedPerAccount}); ` +
              `submit more once some have started, or cancel some`,
            { headers: { 'retry-after': String(QUEUE_FULL_RETRY_AFTER_SECONDS) } },
          );
        }
        if (!(await store.insertJob(trx, job))) return false;
        if (counted) {
          // Counted with the job, in its transaction: a refusal (429/422) leaves neither behind.
          await deps.spending.charge(trx, { organizationId: account.id, provider: backend.provider, userId: principal.userId, shots: body.shots, costMicro: cost?.micro ?? 0, now });
        }
        if (tokenSource === 'organization' || tokenSource === 'user') {
          await deps.audit.record(
            {
              account,
              actor: { userId: principal.userId, tokenId: principal.tokenId, ip },
              action: 'provider_token.used',
              target: { type: 'provider_token', id: null, name: backend.provider },
              details: { provider: backend.provider, job_id: job.id, backend_id: backend.id },
            },
            trx,
          );
        }
        return true;
      });
      if (!inserted && idempotencyKey) {
        // The same key raced in from a retry: answer with the job the first one created.
        const earlier = await store.findByIdempotencyKey(db, account.id, idempotencyKey);
        if (earlier) return toJobResponse(earlier);
      }
      deps.onSubmitted();
      return toJobResponse(job);
    },

    /** What a submission of `body` would cost and whether it would be accepted now; creates nothing. */
    async estimate(principal: Principal, org: OrgContext | null, body: SubmitJobBody): Promise<EstimateResponse> {
      const { backend } = await validate(body);
      let tokenSource: Job['token_source'] = 'none';
      let refusal: { code: string; message: string } | null = null;
      if (backend.provider !== 'local') {
        const resolved = await resolver.resolve(principal.userId, org, backend.provider);
        if (resolved) tokenSource = resolved.source;
        else {
          const missing = resolver.missing(backend.provider, org);
          refusal = { code: missing.code, message: missing.message };
        }
      }
      const cost = deps.spending.estimate(backend.id, body.shots);
      if (tokenSource === 'organization' && org) {
        const now = clock.now();
        const over = await deps.spending.wouldRefuse({ organizationId: org.organizationId, provider: backend.provider, userId: principal.userId, shots: body.shots, costMicro: cost?.micro ?? 0, now });
        if (over) refusal = { code: over.code, message: over.message };
      }
      return {
        backend_id: backend.id,
        provider: backend.provider,
        provider_name: providerLabel(backend.provider),
        shots: body.shots,
        estimated_cost: cost?.response ?? null,
        token_source: tokenSource,
        refusal,
      };
    },

    async list(principal: Principal, org: OrgContext | null, page: { page?: number; size?: number }) {
      const account = accountOf(principal, org).id;
      if (page.page === undefined && page.size === undefined) {
        // PlanQK's SDK 2.3 reads a plain list; it is bounded so that it cannot grow without limit.
        return (await store.listJobs(db, account, 0, 1000)).map(toJobResponse);
      }
      const size = page.size ?? 20;
      const rows = await store.listJobs(db, account, (page.page ?? 0) * size, size + 1);
      return { content: rows.slice(0, size).map(toJobResponse), last: rows.length <= size };
    },

    async get(principal: Principal, org: OrgContext | null, id: string) {
      return toJobResponse(await visibleJob(principal, org, id));
    },

    async result(principal: Principal, org: OrgContext | null, id: string) {
      const job = await visibleJob(principal, org, id);
      if (job.status !== 'COMPLETED' || !job.result) {
        throw new AppError('job_not_finished', `The job is ${job.status}; results exist once it is COMPLETED${job.error_message ? ` (${job.error_message})` : ''}`);
      }
      return JSON.parse(job.result) as { counts: Record<string, number>; memory?: string[] };
    },

    /** Asks for cancellation; the worker reaches the provider. A job not yet started ends here. */
    async cancel(principal: Principal, org: OrgContext | null, id: string): Promise<void> {
      const job = await visibleJob(principal, org, id);
      if (org) assertMay(org.role, 'cancel_job', { own: job.submitted_by === principal.userId });
      const nowIso = clock.now().toISOString();
      if (job.status === 'PENDING' && job.provider_job_id === null) {
        // Never submitted: nothing was spent, so its usage is given back with the cancel.
        const cancelled = await db.transaction().execute(async (trx) => {
          if (!(await store.requestCancel(trx, id, { status: 'CANCELLED', ended_at: nowIso }, ['PENDING'], nowIso))) return false;
          await deps.spending.returnUsage(trx, id);
          return true;
        });
        if (cancelled) return;
      }
      if (
        await store.requestCancel(db, id, { status: 'CANCELLING', next_run_at: nowIso }, ['PENDING', 'RUNNING'])
      ) {
        deps.onSubmitted();
        return;
      }
      const current = await visibleJob(principal, org, id);
      if (current.status === 'CANCELLING' || current.status === 'CANCELLED') return;
      throw new AppError('conflict', `The job is already ${current.status}`);
    },

    /** Backends in PlanQK's shape, with access_type and where the caller's access comes from. */
    async backends(principal: Principal, org: OrgContext | null, filter: { provider?: string; onlyQiskit?: string }) {
      const sourceOf = await resolver.sources(principal.userId, org);
      const onlyQiskit = filter.onlyQiskit?.toLowerCase() === 'true';
      const list = BACKENDS.filter(
        (b) => (!filter.provider || backendMatchesProvider(b, filter.provider)) && (!onlyQiskit || drivableByPlanqkQiskit(b)),
      );
      return list.map((b) => toBackendResponse(b, accessOf(b, sourceOf)));
    },

    async backend(principal: Principal, org: OrgContext | null, id: string) {
      const b = backendById(id);
      if (!b) throw notFound('Backend');
      return toBackendResponse(b, accessOf(b, await resolver.sources(principal.userId, org)));
    },

    async backendStatus(principal: Principal, org: OrgContext | null, id: string) {
      const b = backendById(id);
      if (!b) throw notFound('Backend');
      if (b.provider === 'local') return { status: 'ONLINE' as const, provider_token_valid: true, access_type: 'TOKEN_BASED' as const };
      const own = (await deps.providerTokens.list(accountOf(principal, org))).find((t) => t.provider === b.provider);
      const platform = resolver.hasPlatformCredential(b.provider);
      return {
        status: 'ONLINE' as const,
        provider_token_valid: own ? own.status !== 'invalid' : platform,
        access_type: !own && platform ? ('PAY_PER_USE' as const) : ('TOKEN_BASED' as const),
      };
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;

/** A provider named either as PlanQK's SDK family (`AZURE`) or as ours (`ionq`), in any case. */
function backendMatchesProvider(b: BackendInfo, name: string): boolean {
  const upper = name.toUpperCase();
  return upper === b.planqk_provider || upper === b.provider.toUpperCase();
}

/** Where a job on `b` would take its credential from now; local.simulator needs none. */
function accessOf(b: BackendInfo, sourceOf: (provider: ProviderId) => TokenSource | null): BackendAccess {
  if (b.provider === 'local') return 'not_needed';
  return sourceOf(b.provider) ?? 'none';
}

function toBackendResponse(b: BackendInfo, access: BackendAccess) {
  const payPerUse = access === 'platform';
  return {
    id: b.id,
    provider: b.planqk_provider,
    hardware_provider: b.hardware_provider,
    name: b.name,
    type: b.type,
    // A nominal status: the backend is offered; the provider's live calendar is not consulted.
    status: 'ONLINE' as const,
    access_type: payPerUse ? ('PAY_PER_USE' as const) : ('TOKEN_BASED' as const),
    documentation: { description: b.description, url: b.url, location: b.location },
    configuration: {
      qubit_count: b.qubit_count,
      gates: planqkGateNames(b).map((name) => ({ name, native_gate: true })),
      instructions: [...b.native_gates, 'measure', 'barrier'],
      qubits: Array.from({ length: Math.min(b.qubit_count, 1000) }, (_, i) => ({ id: String(i) })),
      connectivity: { fully_connected: b.fully_connected, graph: {} },
      shots_range: { min: b.shots.min, max: b.shots.max },
      supported_input_formats: planqkInputFormats(b),
      memory_result_supported: b.provider === 'local',
    },
    qonduit: { provider: b.provider, provider_name: providerLabel(b.provider), input_formats: [...b.input_formats], access },
  };
}

/** A provider's display name from our provider id (`local` for the built-in simulator). */
export function providerLabel(provider: string): string {
  return provider === 'local' ? 'Local simulator' : (providerById(provider)?.display_name ?? provider);
}
