import type { Clock } from '@qonduit/core';
import type { Database, Dialect, Job, JobTable } from '@qonduit/db';
import { ProviderError, adapterFor, backendById, parseQasm, toQasm3, fromIonqCircuit } from '@qonduit/runtime';
import type { AdapterContext, BackendInfo, Circuit, JobAdapter, ProviderAdapter, ProviderId } from '@qonduit/runtime';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Updateable } from 'kysely';
import { hostname } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import type { ProviderTokenService } from '../provider-tokens/provider-tokens.service';
import { returnJobUsage } from '../spending/spending.store';
import type { CredentialResolver } from './credential-resolver';
import { providerLabel } from './jobs.service';
import * as store from './jobs.store';
import { SimulationError } from './simulator-pool';
import type { SimulatorPool } from './simulator-pool';

const MAX_UNREACHABLE_ATTEMPTS = 6;
/**
 * How long after a submission attempt its absence from the provider's job list is believed: a
 * request still in flight when its sender died has long been carried out by then.
 */
const SUBMISSION_SETTLE_MS = 2 * 60_000;
/**
 * A local simulation that was started this many times and never finished (the server died
 * while it ran) is failed instead of started again: a job that takes the process down must
 * not do so on every restart.
 */
const MAX_SIMULATION_STARTS = 2;

function isJobAdapter(adapter: ProviderAdapter): adapter is JobAdapter {
  return adapter.submit !== undefined && adapter.poll !== undefined && adapter.result !== undefined && adapter.cancel !== undefined;
}

class JobFailure extends Error {}

/** The lease of the step was lost (another process has the job): nothing may be written. */
class LeaseLost extends Error {}

/** A step's outcome: the columns to write, or nothing (the lease was lost, or the server is stopping). */
type Outcome = Updateable<JobTable> | null;

/** What a step learnt about whether the job reached its provider (for the usage it gives back). */
interface StepNotes {
  /** A submission attempt was recorded: the provider may have the job. */
  attempted: boolean;
  /** The provider refused the submission with a 4xx answer: it created nothing. */
  refused: boolean;
}

/**
 * A job that ends (FAILED or CANCELLED) without its provider ever having had it spent nothing:
 * its usage of the organization's spending limits is given back. A job whose submission may
 * have reached the provider (an attempt whose outcome is unknown) keeps its usage.
 */
function reachedNoProvider(job: Job, values: Updateable<JobTable>, notes: StepNotes): boolean {
  if (values.status !== 'FAILED' && values.status !== 'CANCELLED') return false;
  if (job.provider_job_id !== null || (values.provider_job_id ?? null) !== null) return false;
  return notes.refused || (job.submit_attempt_id === null && !notes.attempted);
}

/**
 * Drives stored jobs to a final state: submits them to their provider (or runs them on the
 * local simulator pool), polls, collects results and carries cancellations to the provider.
 * All state is in the database, so a restarted server carries on with the jobs in flight.
 *
 * Each step leases one job with a fresh fencing token and renews the lease while the step is
 * in flight (heartbeat); a step whose lease was lost writes nothing. Steps run concurrently up
 * to a limit per process. A provider submission is recorded (an attempt id) before the call,
 * so that a job whose answer was lost is reconciled, never blindly submitted a second time.
 */
export function createJobWorker(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  log: FastifyBaseLogger;
  providerTokens: ProviderTokenService;
  /** The one place that decides which credential a job spends. */
  resolver: CredentialResolver;
  adapterContext: AdapterContext;
  intervalMs: number;
  leaseMs: number;
  /** Steps in flight at once in this process. */
  concurrency: number;
  maxRunningPerAccount: number;
  simulator: SimulatorPool;
  simulatorMaxWork: number;
  /** A readable name of the account whose token a job spends, for failure messages. */
  accountLabel: (job: Job) => Promise<string>;
}) {
  const { db, clock, log } = deps;
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const inFlight = new Map<string, { promise: Promise<void>; abort: AbortController; local: boolean }>();
  let timer: NodeJS.Timeout | null = null;
  let filling: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  const iso = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();

  function circuitOf(job: Job): Circuit {
    return job.input_format === 'IONQ_CIRCUIT_V1' ? fromIonqCircuit(JSON.parse(job.input) as unknown) : parseQasm(job.input);
  }

  async function credentialOf(job: Job, provider: ProviderId): Promise<{ credential: Readonly<Record<string, string>>; recordId: string | null }> {
    // A deleted organization's queued job spends nothing, not even the platform's credential.
    if (job.account_type === 'organization' && !(await store.organizationExists(db, job.account_id))) {
      throw new JobFailure('The organization was deleted before the job could run');
    }
    const found = await deps.resolver.forJob(job, provider);
    if (found) return found;
    throw new JobFailure(
      job.token_source === 'platform'
        ? `The platform's ${providerLabel(provider)} credential is no longer configured`
        : `The ${providerLabel(provider)} token of ${await deps.accountLabel(job)} was removed before the job could run`,
    );
  }

  async function simulate(job: Job, token: string, signal: AbortSignal): Promise<Outcome> {
    if (job.status === 'CANCELLING') return { status: 'CANCELLED', ended_at: iso() };
    if (job.attempts >= MAX_SIMULATION_STARTS) {
      return {
        status: 'FAILED',
        error_message: `The simulation was interrupted ${job.attempts} times (the server stopped while it ran); it is not started again`,
        ended_at: iso(),
      };
    }
    // Counted before the run starts, under the lease, so that a run that kills the process counts.
    const startedAt = job.started_at ?? iso();
    if (!(await store.updateLeased(db, job.id, token, job.status, { attempts: job.attempts + 1, started_at: startedAt }))) return null;
    try {
      const counts = await deps.simulator.run({ format: job.input_format, input: job.input, shots: job.shots, maxWork: deps.simulatorMaxWork }, signal);
      return { status: 'COMPLETED', result: JSON.stringify({ counts }), started_at: startedAt, ended_at: iso() };
    } catch (err) {
      if (!(err instanceof SimulationError)) throw err;
      switch (err.kind) {
        case 'aborted':
        case 'closed':
          // The lease was lost or the server is stopping: whoever runs the job next decides.
          return null;
        case 'deadline':
          return { status: 'FAILED', error_message: `The local simulator stopped the job: ${err.message}`, ended_at: iso() };
        case 'invalid':
          return { status: 'FAILED', error_message: err.message, ended_at: iso() };
        case 'crashed':
          return { status: 'FAILED', error_message: `The simulation crashed its worker: ${err.message}`, ended_at: iso() };
      }
    }
  }

  /**
   * A submission whose answer never reached the database (the process died, the lease was
   * lost, the connection broke): ask the provider again only where an idempotency token makes
   * that safe; else look the job up by the attempt id it carries, and submit afresh only once
   * the provider has had time to list it and does not; else fail it as unknown.
   */
  async function reconcile(
    job: Job,
    backend: BackendInfo,
    adapter: JobAdapter,
    attemptId: string,
    credential: Readonly<Record<string, string>>,
    ctx: AdapterContext,
  ): Promise<{ providerJobId: string } | { absent: true } | { retryAt: string } | { unknown: string }> {
    const provider = providerLabel(adapter.id);
    if (adapter.idempotentSubmit) return adapter.submit(jobSpec(job, backend, attemptId), credential, ctx);
    const attemptAt = job.submit_attempt_at ?? job.created_at;
    if (adapter.findSubmitted) {
      const found = await adapter.findSubmitted({ backend: backend.device, jobId: job.id, attemptId, since: attemptAt }, credential, ctx);
      if (found) return found;
      // A request still in flight could yet create the job: trust "absent" only once it is old.
      const settled = Date.parse(attemptAt) + SUBMISSION_SETTLE_MS;
      if (clock.now().getTime() < settled) return { retryAt: new Date(settled).toISOString() };
      return { absent: true };
    }
    return {
      unknown:
        `Qonduit lost the answer to this job's submission (attempt ${attemptId}) and ${provider} offers no way to look it up, ` +
        `so whether it runs there is unknown; it was not submitted again, so that it cannot run twice. ` +
        `Check ${provider}'s own job list for a job labelled with this id before submitting again`,
    };
  }

  function jobSpec(job: Job, backend: BackendInfo, attemptId: string) {
    const circuit = circuitOf(job);
    return { backend: backend.device, shots: job.shots, name: job.name ?? `qonduit-${job.id}`, qasm3: toQasm3(circuit), ir: circuit, qubits: job.qubits, jobId: job.id, attemptId };
  }

  /** One step for one job; returns the columns to write. */
  async function step(job: Job, token: string, signal: AbortSignal, notes: StepNotes): Promise<Outcome> {
    const backend = backendById(job.backend_id);
    if (!backend) return { status: 'FAILED', error_message: `Backend ${job.backend_id} no longer exists`, ended_at: iso() };
    if (backend.provider === 'local') return simulate(job, token, signal);

    const provider = backend.provider;
    const adapter = adapterFor(provider);
    if (!isJobAdapter(adapter)) return { status: 'FAILED', error_message: `${providerLabel(provider)} jobs run through the provider proxy`, ended_at: iso() };
    const { credential, recordId } = await credentialOf(job, provider);
    const ctx = { ...deps.adapterContext, signal };
    // Set while a first submission is in flight: a 4xx answer to it proves nothing was created.
    let freshAttempt = false;
    // Set while any submission call is in flight: a refusal (4xx) of it created nothing either.
    let submitting = false;
    try {
      if (job.status === 'CANCELLING') {
        let providerJobId = job.provider_job_id;
        if (providerJobId === null && job.submit_attempt_id !== null && adapter.findSubmitted) {
          const found = await adapter.findSubmitted(
            { backend: backend.device, jobId: job.id, attemptId: job.submit_attempt_id, since: job.submit_attempt_at ?? job.created_at },
            credential,
            ctx,
          );
          providerJobId = found?.providerJobId ?? null;
        }
        if (providerJobId) await adapter.cancel(providerJobId, credential, ctx);
        return { status: 'CANCELLED', ended_at: iso(), ...(providerJobId ? { provider_job_id: providerJobId } : {}) };
      }
      if (job.provider_job_id === null) {
        let submitted: { providerJobId: string } | null = null;
        const previous = job.submit_attempt_id;
        let attemptId = previous ?? '';
        if (previous !== null) {
          const reconciled = await reconcile(job, backend, adapter, previous, credential, ctx);
          if ('unknown' in reconciled) return { status: 'FAILED', error_message: reconciled.unknown, ended_at: iso() };
          if ('retryAt' in reconciled) return { next_run_at: reconciled.retryAt };
          if ('providerJobId' in reconciled) submitted = reconciled;
        }
        if (submitted === null) {
          attemptId = randomUUID();
          // The intent to submit is written first: after a crash, the attempt id is what the
          // provider's job is found (or deduplicated) by.
          if (!(await store.recordSubmitAttempt(db, job.id, token, previous, attemptId, iso()))) throw new LeaseLost();
          notes.attempted = true;
          freshAttempt = !adapter.idempotentSubmit;
          submitting = true;
          submitted = await adapter.submit(jobSpec(job, backend, attemptId), credential, ctx);
          submitting = false;
        }
        const startedAt = iso();
        // Kept even if the lease was lost meanwhile: the provider's job is ours by the attempt id.
        await store.recordProviderJob(db, job.id, attemptId, submitted.providerJobId, startedAt);
        if (recordId) await deps.providerTokens.markUsed(recordId);
        return { status: 'RUNNING', provider_job_id: submitted.providerJobId, started_at: startedAt, attempts: 0, next_run_at: iso(250) };
      }
      const state = await adapter.poll(job.provider_job_id, credential, ctx);
      switch (state.status) {
        case 'PENDING':
        case 'RUNNING': {
          // Poll often at first, then less: a fifth of the time it has run, from 250 ms to 10 s.
          const age = clock.now().getTime() - Date.parse(job.started_at ?? job.created_at);
          return { attempts: 0, next_run_at: iso(Math.min(10_000, Math.max(250, age / 5))) };
        }
        case 'COMPLETED': {
          const result = await adapter.result(job.provider_job_id, { qubits: job.qubits, shots: job.shots }, credential, ctx);
          return { status: 'COMPLETED', result: JSON.stringify({ counts: result.counts }), ended_at: iso() };
        }
        case 'FAILED':
          return { status: 'FAILED', error_message: `${providerLabel(provider)} reports the job failed${state.message ? `: ${state.message}` : ''}`, ended_at: iso() };
        case 'CANCELLED':
          return { status: 'CANCELLED', ended_at: iso() };
      }
    } catch (err) {
      if (signal.aborted) return null;
      if (!(err instanceof ProviderError)) throw err;
      switch (err.kind) {
        case 'auth': {
          if (submitting) notes.refused = true;
          const message = `The provider rejected the ${providerLabel(provider)} token of ${await deps.accountLabel(job)}`;
          if (recordId) await deps.providerTokens.markInvalid(recordId, message);
          return { status: 'FAILED', error_message: message, ended_at: iso() };
        }
        case 'unreachable': {
          const attempts = job.attempts + 1;
          // The provider answered "too many requests": this attempt created nothing, so the next
          // try is a fresh one rather than a lookup.
          const refused = freshAttempt && err.status !== undefined && err.status < 500 ? { submit_attempt_id: null, submit_attempt_at: null } : {};
          if (attempts >= MAX_UNREACHABLE_ATTEMPTS) {
            if (Object.keys(refused).length > 0) notes.refused = true;
            return { status: 'FAILED', error_message: `${providerLabel(provider)} could not be reached after ${attempts} attempts: ${err.message}`, ended_at: iso() };
          }
          // Exponential backoff: 1 s, 2 s, 4 s, ... up to a minute.
          return { ...refused, attempts, next_run_at: iso(Math.min(60_000, 1000 * 2 ** (attempts - 1))) };
        }
        case 'rejected':
          if (submitting && err.status !== undefined && err.status < 500) notes.refused = true;
          return { status: 'FAILED', error_message: `${providerLabel(provider)} refused the job: ${err.message}`, ended_at: iso() };
        case 'protocol':
          return { status: 'FAILED', error_message: `${providerLabel(provider)} refused the job: ${err.message}`, ended_at: iso() };
      }
    }
  }

  /** Runs one leased job's step with a heartbeat, then writes its outcome if the lease still holds. */
  async function drive(job: Job, token: string, abort: AbortController): Promise<void> {
    // Renew at a third of the lease, so that two missed beats still leave it ours.
    const heartbeat = setInterval(() => {
      store
        .renewLease(db, job.id, token, iso(deps.leaseMs))
        .then((held) => {
          if (!held) abort.abort(new LeaseLost());
        })
        .catch((err: unknown) => log.warn({ err, job_id: job.id }, 'could not renew a job lease'));
    }, Math.max(100, Math.floor(deps.leaseMs / 3)));
    let values: Outcome;
    const notes: StepNotes = { attempted: false, refused: false };
    try {
      values = await step(job, token, abort.signal, notes);
    } catch (err) {
      if (err instanceof LeaseLost || abort.signal.aborted) values = null;
      else if (err instanceof JobFailure) values = { status: 'FAILED', error_message: err.message, ended_at: iso() };
      else {
        log.error({ err, job_id: job.id }, 'job step failed unexpectedly');
        values = { status: 'FAILED', error_message: 'The job failed inside Qonduit; the server log has the details', ended_at: iso() };
      }
    } finally {
      clearInterval(heartbeat);
    }
    if (values === null) {
      // Nothing to write; let the next owner (or this process's next pass) take the job at once.
      await store.releaseLease(db, job.id, token, {});
      return;
    }
    const final = { ...values, lease_owner: null, lease_expires_at: null };
    const written = reachedNoProvider(job, values, notes)
      ? // The outcome and the usage given back commit together, or neither does.
        await db.transaction().execute(async (trx) => {
          const ok = await store.updateLeased(trx, job.id, token, job.status, final);
          if (ok) await returnJobUsage(trx, job.id);
          return ok;
        })
      : await store.updateLeased(db, job.id, token, job.status, final);
    if (!written) {
      // Cancelled during the step: keep the cancel, but remember the provider's job so that
      // the next pass cancels it there. (Or the lease was lost and another worker has it.)
      const known = { ...(values.provider_job_id ? { provider_job_id: values.provider_job_id, started_at: values.started_at } : {}), next_run_at: iso() };
      await store.releaseLease(db, job.id, token, known);
    }
  }

  /** Leases jobs until every step slot is busy or nothing is runnable; returns how many started. */
  async function fill(evenIfStopped = false): Promise<number> {
    let started = 0;
    while ((evenIfStopped || !stopped) && inFlight.size < deps.concurrency) {
      const token = `${workerId}:${randomBytes(6).toString('hex')}`;
      const job = await store.claimNext(db, {
        token,
        nowIso: iso(),
        leaseUntilIso: iso(deps.leaseMs),
        maxRunningPerAccount: deps.maxRunningPerAccount,
        local: deps.simulator.idle() > 0,
      });
      if (!job) break;
      started += 1;
      const abort = new AbortController();
      const promise = drive(job, token, abort)
        .catch((err: unknown) => log.error({ err, job_id: job.id }, 'job step could not be recorded'))
        .finally(() => {
          inFlight.delete(job.id);
          // A slot is free: look for more work now rather than at the next tick.
          if (!stopped) tick();
        });
      inFlight.set(job.id, { promise, abort, local: job.provider === 'local' });
    }
    return started;
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        await fill();
      } catch (err) {
        log.error({ err }, 'job worker pass failed');
      }
    } while (again && !stopped);
  }

  function tick(): void {
    if (stopped) return;
    if (filling) {
      again = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    filling = loop().finally(() => {
      filling = null;
      if (!stopped && !timer) timer = setTimeout(tick, deps.intervalMs);
    });
  }

  return {
    workerId,
    start() {
      stopped = false;
      tick();
    },
    /** Runs a pass now (a job was submitted or cancelled). */
    kick() {
      tick();
    },
    /** Leases what it can and waits until those steps are done (tests drive the worker with it). */
    async runOnce(): Promise<number> {
      const started = await fill(true);
      await Promise.all([...inFlight.values()].map((f) => f.promise));
      return started;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await filling;
      // Provider calls in flight finish (they are bounded by the HTTP timeout); simulations are
      // stopped without an outcome, and the job is run again by the next owner.
      for (const f of inFlight.values()) if (f.local) f.abort.abort(new Error('the server is stopping'));
      await Promise.all([...inFlight.values()].map((f) => f.promise));
    },
  };
}

export type JobWorker = ReturnType<typeof createJobWorker>;
