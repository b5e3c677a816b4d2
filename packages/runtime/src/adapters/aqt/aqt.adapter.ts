import { joinUrl } from '../../providers/base-urls';
import { CircuitError } from '../../simulator/circuit';
import type { Circuit } from '../../simulator/circuit';
import { bitstring, tally } from '../counts';
import { asRecord, credentialField, isRecord, jsonHeaders, send, sendJson, verifyWith } from '../http';
import type { HttpCall } from '../http';
import { ProviderError } from '../types';
import type { AdapterContext, Credential, JobAdapter, ProviderJobState } from '../types';
import { toAqtCircuit } from './aqt.circuit';
import type { AqtOperation } from './aqt.circuit';

// AQT ARNICA public API (arnica.aqt.eu/api/v1, OpenAPI "AQT Public API" 0.4): bearer token;
// jobs go to /submit/{workspace}/{resource}, so a backend here is "workspace/resource".

const PROVIDER = 'AQT';
export const AQT_MAX_SHOTS = 2000;

function call(
  ctx: AdapterContext,
  credential: Credential,
  method: HttpCall['method'],
  path: string,
  extra: Partial<HttpCall> = {},
): HttpCall {
  const token = credentialField(credential, 'token', PROVIDER);
  return {
    provider: PROVIDER,
    method,
    url: joinUrl(ctx.urls.base.aqt, path),
    headers: jsonHeaders({ authorization: `Bearer ${token}` }),
    secrets: [token],
    ...extra,
  };
}

function splitBackend(backend: string): [string, string] {
  const slash = backend.indexOf('/');
  const workspace = backend.slice(0, slash);
  const resource = backend.slice(slash + 1);
  if (slash <= 0 || resource === '' || resource.includes('/')) {
    throw new ProviderError(
      'rejected',
      `an AQT backend is written 'workspace/resource', not '${backend.slice(0, 80)}'`,
    );
  }
  return [workspace, resource];
}

/** GET /result answers `{job, response: {status, ...}}`, or `{job_id, message}` for an unknown job. */
async function fetchResult(
  providerJobId: string,
  credential: Credential,
  ctx: AdapterContext,
): Promise<Record<string, unknown>> {
  const answer = asRecord(
    await sendJson(ctx, call(ctx, credential, 'GET', `result/${encodeURIComponent(providerJobId)}`)),
    PROVIDER,
    'result',
  );
  if (!isRecord(answer.response)) {
    const message = typeof answer.message === 'string' ? answer.message : 'no job state';
    throw new ProviderError(
      'rejected',
      `AQT does not know job ${providerJobId.slice(0, 64)}: ${message.slice(0, 200)}`,
    );
  }
  return answer.response;
}

function aqtCircuitFor(ir: Circuit): AqtOperation[] {
  try {
    return toAqtCircuit(ir);
  } catch (error) {
    if (error instanceof CircuitError)
      throw new ProviderError('rejected', `the circuit cannot run on AQT: ${error.message}`);
    throw error;
  }
}

const STATES: Readonly<Record<string, ProviderJobState['status']>> = {
  queued: 'PENDING',
  ongoing: 'RUNNING',
  finished: 'COMPLETED',
  error: 'FAILED',
  cancelled: 'CANCELLED',
};

export function createAqtAdapter(): JobAdapter {
  return {
    id: 'aqt',

    verify: (credential, ctx) => verifyWith(() => send(ctx, call(ctx, credential, 'GET', 'workspaces'))),

    async submit(job, credential, ctx) {
      const [workspace, resource] = splitBackend(job.backend);
      if (job.shots < 1 || job.shots > AQT_MAX_SHOTS) {
        throw new ProviderError(
          'rejected',
          `AQT runs 1 to ${AQT_MAX_SHOTS} shots per circuit, not ${job.shots}`,
        );
      }
      // AQT's API has no idempotency token and no job listing: a submission whose answer is
      // lost cannot be found again, so the job fails as unknown rather than running twice.
      // The label still carries our ids for a person looking in AQT's console.
      const body = {
        job_type: 'quantum_circuit',
        label: `${job.name} [qonduit ${job.jobId} ${job.attemptId}]`.slice(0, 200),
        payload: {
          circuits: [
            {
              number_of_qubits: job.ir.qubits,
              quantum_circuit: aqtCircuitFor(job.ir),
              repetitions: job.shots,
            },
          ],
        },
      };
      const path = `submit/${encodeURIComponent(workspace)}/${encodeURIComponent(resource)}`;
      // A 403 here means "no such workspace for this token", not a bad token.
      const answer = asRecord(
        await sendJson(
          ctx,
          call(ctx, credential, 'POST', path, { body: JSON.stringify(body), forbidden: 'rejected' }),
        ),
        PROVIDER,
        'submit answer',
      );
      const jobInfo = isRecord(answer.job) ? answer.job : {};
      if (typeof jobInfo.job_id !== 'string')
        throw new ProviderError('protocol', 'AQT sent a submit answer without job.job_id');
      return { providerJobId: jobInfo.job_id };
    },

    async poll(providerJobId, credential, ctx) {
      const response = await fetchResult(providerJobId, credential, ctx);
      const raw = typeof response.status === 'string' ? response.status : '';
      const status = STATES[raw];
      if (status === undefined) return { status: 'RUNNING', message: `AQT status '${raw.slice(0, 40)}'` };
      if (status !== 'FAILED') return { status };
      return {
        status,
        message:
          typeof response.message === 'string' ? response.message.slice(0, 500) : 'AQT reported an error',
      };
    },

    async result(providerJobId, job, credential, ctx) {
      const response = await fetchResult(providerJobId, credential, ctx);
      if (response.status !== 'finished')
        throw new ProviderError('rejected', `the AQT job is ${String(response.status)}, not finished`);
      const samples = isRecord(response.result) ? response.result['0'] : undefined;
      if (!Array.isArray(samples))
        throw new ProviderError('protocol', 'AQT sent a result without samples for circuit 0');
      return { counts: aqtSamplesToCounts(samples, job.qubits) };
    },

    async cancel(providerJobId, credential, ctx) {
      await send(
        ctx,
        call(ctx, credential, 'DELETE', `jobs/${encodeURIComponent(providerJobId)}`, {
          forbidden: 'rejected',
        }),
      );
    },

    async proxyAuthHeaders(credential) {
      return { authorization: `Bearer ${credentialField(credential, 'token', PROVIDER)}` };
    },
  };
}

/** AQT reports each shot as a list indexed by qubit; our bitstrings put qubit 0 rightmost. */
export function aqtSamplesToCounts(samples: unknown[], qubits: number): Record<string, number> {
  return tally(
    samples.map((shot) => {
      if (!Array.isArray(shot) || shot.length !== qubits || shot.some((bit) => bit !== 0 && bit !== 1)) {
        throw new ProviderError('protocol', `AQT sent a shot that is not ${qubits} bits`);
      }
      return bitstring(qubits, (q) => (shot[q] === 1 ? 1 : 0));
    }),
  );
}
