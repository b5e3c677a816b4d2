import type { Clock } from '@qonduit/core';
import type { Database, Dialect, Job, JobTable } from '@qonduit/db';
import { ProviderError, adapterFor, backendById, parseQasm, runCircuit, toQasm3, fromIonqCircuit } from '@qonduit/runtime';
import type { AdapterContext, Circuit, JobAdapter, ProviderAdapter, ProviderId } from '@qonduit/runtime';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Updateable } from 'kysely';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ProviderTokenService } from '../provider-tokens/provider-tokens.service';
import { providerLabel } from './jobs.service';
import * as store from './jobs.store';

const MAX_UNREACHABLE_ATTEMPTS = 6;
const BATCH = 10;

function isJobAdapter(adapter: ProviderAdapter): adapter is JobAdapter {
  return adapter.submit !== undefined && adapter.poll !== undefined && adapter.result !== undefined && adapter.cancel !== undefined;
}

class JobFailure extends Error {}

/**
 * Drives stored jobs to a final state: submits them to their provider (or runs them on the
 * local simulator), polls, collects results and carries cancellations to the provider. All
 * state is in the database, so a restarted server carries on with the jobs in flight, and a
 * lease lets exactly one process work on a job at a time.
 */
export function createJobWorker(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  log: FastifyBaseLogger;
  providerTokens: ProviderTokenService;
  platformCredentials: Readonly<Partial<Record<ProviderId, Readonly<Record<string, string>>>>>;
  adapterContext: AdapterContext;
  intervalMs: number;
  leaseMs: number;
  /** A readable name of the account whose token a job spends, for failure messages. */
  accountLabel: (job: Job) => Promise<string>;
}) {
  const { db, clock, log } = deps;
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  const iso = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();

  function circuitOf(job: Job): Circuit {
    return job.input_format === 'IONQ_CIRCUIT_V1' ? fromIonqCircuit(JSON.parse(job.input) as unknown) : parseQasm(job.input);
  }

  async function credentialOf(job: Job, provider: ProviderId): Promise<{ credential: Readonly<Record<string, string>>; recordId: string | null }> {
    if (job.token_source === 'platform') {
      const platform = deps.platformCredentials[provider];
      if (!platform) throw new JobFailure(`The platform's ${providerLabel(provider)} credential is no longer configured`);
      return { credential: platform, recordId: null };
    }
    const found = await deps.providerTokens.credentialFor({ id: job.account_id, type: job.account_type }, provider);
    if (!found) throw new JobFailure(`The ${providerLabel(provider)} token of ${await deps.accountLabel(job)} was removed before the job could run`);
    return found;
  }

  /** One step for one job; returns the columns to write. */
  async function step(job: Job): Promise<Updateable<JobTable>> {
    const backend = backendById(job.backend_id);
    if (!backend) return { status: 'FAILED', error_message: `Backend ${job.backend_id} no longer exists`, ended_at: iso() };

    if (backend.provider === 'local') {
      if (job.status === 'CANCELLING') return { status: 'CANCELLED', ended_at: iso() };
      const startedAt = iso();
      const result = runCircuit(circuitOf(job), { shots: job.shots });
      return { status: 'COMPLETED', result: JSON.stringify({ counts: result.counts }), started_at: startedAt, ended_at: iso() };
    }

    const provider = backend.provider;
    const adapter = adapterFor(provider);
    if (!isJobAdapter(adapter)) return { status: 'FAILED', error_message: `${providerLabel(provider)} jobs run through the provider proxy`, ended_at: iso() };
    const { credential, recordId } = await credentialOf(job, provider);
    try {
      if (job.status === 'CANCELLING') {
        if (job.provider_job_id) await adapter.cancel(job.provider_job_id, credential, deps.adapterContext);
        return { status: 'CANCELLED', ended_at: iso() };
      }
      if (job.provider_job_id === null) {
        const circuit = circuitOf(job);
        const { providerJobId } = await adapter.submit(
          { backend: backend.device, shots: job.shots, name: job.name ?? `qonduit-${job.id}`, qasm3: toQasm3(circuit), ir: circuit, qubits: job.qubits },
          credential,
          deps.adapterContext,
        );
        if (recordId) await deps.providerTokens.markUsed(recordId);
        return { status: 'RUNNING', provider_job_id: providerJobId, started_at: iso(), attempts: 0, next_run_at: iso(250) };
      }
      const state = await adapter.poll(job.provider_job_id, credential, deps.adapterContext);
      switch (state.status) {
        case 'PENDING':
        case 'RUNNING': {
          // Poll often at first, then less: a fifth of the time it has run, from 250 ms to 10 s.
          const age = clock.now().getTime() - Date.parse(job.started_at ?? job.created_at);
          return { attempts: 0, next_run_at: iso(Math.min(10_000, Math.max(250, age / 5))) };
        }
        case 'COMPLETED': {
          const result = await adapter.result(job.provider_job_id, { qubits: job.qubits, shots: job.shots }, credential, deps.adapterContext);
          return { status: 'COMPLETED', result: JSON.stringify({ counts: result.counts }), ended_at: iso() };
        }
        case 'FAILED':
          return { status: 'FAILED', error_message: `${providerLabel(provider)} reports the job failed${state.message ? `: ${state.message}` : ''}`, ended_at: iso() };
        case 'CANCELLED':
          return { status: 'CANCELLED', ended_at: iso() };
      }
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      switch (err.kind) {
        case 'auth': {
          const message = `The provider rejected the ${providerLabel(provider)} token of ${await deps.accountLabel(job)}`;
          if (recordId) await deps.providerTokens.markInvalid(recordId, message);
          return { status: 'FAILED', error_message: message, ended_at: iso() };
        }
        case 'unreachable': {
          const attempts = job.attempts + 1;
          if (attempts >= MAX_UNREACHABLE_ATTEMPTS) {
            return { status: 'FAILED', error_message: `${providerLabel(provider)} could not be reached after ${attempts} attempts: ${err.message}`, ended_at: iso() };
          }
          // Exponential backoff: 1 s, 2 s, 4 s, ... up to a minute.
          return { attempts, next_run_at: iso(Math.min(60_000, 1000 * 2 ** (attempts - 1))) };
        }
        case 'rejected':
        case 'protocol':
          return { status: 'FAILED', error_message: `${providerLabel(provider)} refused the job: ${err.message}`, ended_at: iso() };
      }
    }
  }

  async function runOnce(): Promise<number> {
    const claimed = await store.claimJobs(db, deps.dialect, workerId, iso(), iso(deps.leaseMs), BATCH);
    for (const job of claimed) {
      let values: Updateable<JobTable>;
      try {
        values = await step(job);
      } catch (err) {
        if (err instanceof JobFailure) values = { status: 'FAILED', error_message: err.message, ended_at: iso() };
        else {
          log.error({ err, job_id: job.id }, 'job step failed unexpectedly');
          values = { status: 'FAILED', error_message: 'The job failed inside Qonduit; the server log has the details', ended_at: iso() };
        }
      }
      const written = await store.updateLeased(db, job.id, workerId, job.status, { ...values, lease_owner: null, lease_expires_at: null });
      if (!written) {
        // Cancelled during the step: keep the cancel, but remember the provider's job so that
        // the next pass cancels it there. (Or the lease expired and another worker has it.)
        const known = { ...(values.provider_job_id ? { provider_job_id: values.provider_job_id, started_at: values.started_at } : {}), next_run_at: iso() };
        await store.releaseLease(db, job.id, workerId, known);
      }
    }
    return claimed.length;
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        // Keep going while there is work, so that a burst does not wait for ticks.
        while (!stopped && (await runOnce()) === BATCH);
      } catch (err) {
        log.error({ err }, 'job worker pass failed');
      }
    } while (again && !stopped);
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(tick, deps.intervalMs);
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
      if (timer) clearTimeout(timer);
      timer = null;
      tick();
    },
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type JobWorker = ReturnType<typeof createJobWorker>;
