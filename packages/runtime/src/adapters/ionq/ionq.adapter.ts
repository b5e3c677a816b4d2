import { joinUrl } from '../../providers/base-urls';
import { CircuitError } from '../../simulator/circuit';
import { toIonqCircuit } from '../../simulator/ionq-circuit';
import {
  asRecord,
  credentialField,
  isRecord,
  jsonHeaders,
  send,
  sendJson,
  stringField,
  verifyWith,
} from '../http';
import type { HttpCall } from '../http';
import { ProviderError } from '../types';
import type { AdapterContext, Credential, JobAdapter, ProviderJobSpec, ProviderJobState } from '../types';
import { ionqProbabilitiesToCounts } from './ionq.results';

// IonQ Quantum Cloud API v0.4 (docs.ionq.com/api-reference/v0.4): `Authorization: apiKey <key>`.

const PROVIDER = 'IonQ';
const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_MAX_PAGES = 20;
/** Clocks differ: jobs up to this much older than the attempt are still read. */
const LOOKUP_SLACK_MS = 10 * 60_000;

function call(
  ctx: AdapterContext,
  credential: Credential,
  method: HttpCall['method'],
  path: string,
  body?: unknown,
): HttpCall {
  const key = credentialField(credential, 'api_key', PROVIDER);
  return {
    provider: PROVIDER,
    method,
    url: joinUrl(ctx.urls.base.ionq, path),
    headers: jsonHeaders({ authorization: `apiKey ${key}` }),
    body: body === undefined ? undefined : JSON.stringify(body),
    secrets: [key],
  };
}

/** The job input: IonQ's own JSON circuit when the IR converts, else the OpenQASM 3 text. */
export function ionqJobBody(job: ProviderJobSpec): Record<string, unknown> {
  // IonQ has no idempotency token; the metadata lets a lost submission be found again.
  const common = {
    backend: job.backend,
    shots: job.shots,
    name: job.name,
    metadata: { qonduit_job_id: job.jobId, qonduit_attempt_id: job.attemptId },
  };
  try {
    const circuit = toIonqCircuit(job.ir);
    return {
      type: 'ionq.circuit.v1',
      ...common,
      input: { gateset: 'qis', qubits: circuit.qubits, circuit: circuit.circuit },
    };
  } catch (error) {
    if (!(error instanceof CircuitError)) throw error;
    return { type: 'ionq.qasm3.v1', ...common, input: { qubits: job.qubits, data: job.qasm3 } };
  }
}

const STATES: Readonly<Record<string, ProviderJobState['status']>> = {
  submitted: 'PENDING',
  ready: 'PENDING',
  started: 'RUNNING',
  running: 'RUNNING',
  completed: 'COMPLETED',
  canceled: 'CANCELLED',
  cancelled: 'CANCELLED',
  failed: 'FAILED',
};

export function createIonqAdapter(): JobAdapter {
  return {
    id: 'ionq',

    verify: (credential, ctx) => verifyWith(() => send(ctx, call(ctx, credential, 'GET', 'whoami'))),

    async submit(job, credential, ctx) {
      const answer = asRecord(
        await sendJson(ctx, call(ctx, credential, 'POST', 'jobs', ionqJobBody(job))),
        PROVIDER,
        'job',
      );
      return { providerJobId: stringField(answer, 'id', PROVIDER, 'job') };
    },

    // GET /jobs lists the project's jobs newest first, `limit` per page and a `next` cursor;
    // it cannot filter by metadata, so the pages since the attempt are read and matched.
    async findSubmitted(lookup, credential, ctx) {
      const since = Date.parse(lookup.since) - LOOKUP_SLACK_MS;
      let next: string | null = null;
      for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
        const query = `jobs?limit=${LOOKUP_PAGE_SIZE}${next === null ? '' : `&next=${encodeURIComponent(next)}`}`;
        const answer = asRecord(await sendJson(ctx, call(ctx, credential, 'GET', query)), PROVIDER, 'job list');
        const jobs = Array.isArray(answer.jobs) ? answer.jobs : [];
        let older = false;
        for (const job of jobs) {
          if (!isRecord(job)) continue;
          const metadata = isRecord(job.metadata) ? job.metadata : {};
          if (metadata.qonduit_attempt_id === lookup.attemptId && typeof job.id === 'string') return { providerJobId: job.id };
          if (typeof job.submitted_at === 'string' && Date.parse(job.submitted_at) < since) older = true;
        }
        next = typeof answer.next === 'string' && answer.next !== '' ? answer.next : null;
        if (older || next === null) return null;
      }
      throw new ProviderError('unreachable', `IonQ listed more than ${LOOKUP_MAX_PAGES * LOOKUP_PAGE_SIZE} jobs since the attempt; not found yet`);
    },

    async poll(providerJobId, credential, ctx) {
      const job = asRecord(
        await sendJson(ctx, call(ctx, credential, 'GET', `jobs/${encodeURIComponent(providerJobId)}`)),
        PROVIDER,
        'job',
      );
      const raw = stringField(job, 'status', PROVIDER, 'job');
      const status = STATES[raw];
      if (status === undefined) return { status: 'RUNNING', message: `IonQ status '${raw.slice(0, 40)}'` };
      if (status !== 'FAILED') return { status };
      const reason =
        isRecord(job.failure) && typeof job.failure.error === 'string'
          ? job.failure.error
          : 'IonQ reported the job as failed';
      return { status, message: reason.slice(0, 500) };
    },

    async result(providerJobId, job, credential, ctx) {
      const probabilities = await sendJson(
        ctx,
        call(ctx, credential, 'GET', `jobs/${encodeURIComponent(providerJobId)}/results/probabilities`),
      );
      return { counts: ionqProbabilitiesToCounts(probabilities, job.qubits, job.shots) };
    },

    async cancel(providerJobId, credential, ctx) {
      await send(
        ctx,
        call(ctx, credential, 'PUT', `jobs/${encodeURIComponent(providerJobId)}/status/cancel`),
      );
    },

    async proxyAuthHeaders(credential) {
      return { authorization: `apiKey ${credentialField(credential, 'api_key', PROVIDER)}` };
    },
  };
}
