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
import type { AdapterContext, Credential, JobAdapter, ProviderJobSpec, ProviderJobState } from '../types';
import { ionqProbabilitiesToCounts } from './ionq.results';

// IonQ Quantum Cloud API v0.4 (docs.ionq.com/api-reference/v0.4): `Authorization: apiKey <key>`.

const PROVIDER = 'IonQ';

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
  const common = { backend: job.backend, shots: job.shots, name: job.name };
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
