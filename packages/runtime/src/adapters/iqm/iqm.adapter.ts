import { joinUrl } from '../../providers/base-urls';
import { CircuitError } from '../../simulator/circuit';
import type { Circuit } from '../../simulator/circuit';
import { bitstring, sortedCounts } from '../counts';
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
import type { AdapterContext, Credential, JobAdapter, ProviderJobState } from '../types';
import { toIqmInstructions } from './iqm.circuit';
import type { IqmInstruction } from './iqm.circuit';

// IQM Resonance / IQM Server API v1 (base URL .../api/v1), as iqm-client's IQMServerClient
// calls it: bearer token; POST jobs/{quantum computer}/circuit with {circuits, shots};
// GET jobs/{id}; GET jobs/{id}/artifacts/measurement_counts; POST jobs/{id}/cancel.
// The backend string is the quantum computer's alias (e.g. "garnet").

const PROVIDER = 'IQM';

function call(
  ctx: AdapterContext,
  credential: Credential,
  method: HttpCall['method'],
  path: string,
  body?: unknown,
): HttpCall {
  const token = credentialField(credential, 'token', PROVIDER);
  return {
    provider: PROVIDER,
    method,
    url: joinUrl(ctx.urls.base.iqm, path),
    headers: jsonHeaders({ authorization: `Bearer ${token}` }),
    body: body === undefined ? undefined : JSON.stringify(body),
    secrets: [token],
  };
}

function instructionsFor(ir: Circuit): IqmInstruction[] {
  try {
    return toIqmInstructions(ir);
  } catch (error) {
    if (error instanceof CircuitError)
      throw new ProviderError('rejected', `the circuit cannot run on IQM: ${error.message}`);
    throw error;
  }
}

const STATES: Readonly<Record<string, ProviderJobState['status']>> = {
  waiting: 'PENDING',
  processing: 'RUNNING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

/**
 * Counts from the measurement_counts artifact of the first circuit. Its bitstrings join one
 * character per measurement key, in `measurement_keys` order; our keys name the classical
 * bit (`c3`), which puts each character at its bit, bit 0 rightmost.
 */
export function iqmCountsToCounts(artifact: unknown): Record<string, number> {
  const first: unknown = Array.isArray(artifact) ? artifact[0] : undefined;
  if (!isRecord(first) || !Array.isArray(first.measurement_keys) || !isRecord(first.counts)) {
    throw new ProviderError('protocol', 'IQM sent measurement counts without measurement_keys and counts');
  }
  const clbits = first.measurement_keys.map((key: unknown) => {
    const m = typeof key === 'string' ? /^c(\d+)$/.exec(key) : null;
    if (m === null)
      throw new ProviderError('protocol', `IQM sent a measurement key this adapter did not write`);
    return Number(m[1]);
  });
  const width = clbits.length === 0 ? 0 : Math.max(...clbits) + 1;
  const out = new Map<string, number>();
  for (const [key, count] of Object.entries(first.counts)) {
    if (key.length !== clbits.length || !/^[01]*$/.test(key) || typeof count !== 'number') {
      throw new ProviderError('protocol', 'IQM sent a count that does not match its measurement keys');
    }
    const byBit = new Map(clbits.map((bit, i) => [bit, key[i] === '1' ? 1 : 0]));
    const bits = bitstring(width, (bit) => byBit.get(bit) ?? 0);
    out.set(bits, (out.get(bits) ?? 0) + count);
  }
  return sortedCounts(out);
}

export function createIqmAdapter(): JobAdapter {
  const jobPath = (id: string) => `jobs/${encodeURIComponent(id)}`;
  return {
    id: 'iqm',

    verify: (credential, ctx) =>
      verifyWith(() => send(ctx, call(ctx, credential, 'GET', 'quantum-computers'))),

    async submit(job, credential, ctx) {
      const body = {
        // IQM's API has no idempotency token and no job listing to look a lost submission up
        // in; the metadata carries our ids for a person reading the job at IQM.
        circuits: [
          {
            name: job.name,
            instructions: instructionsFor(job.ir),
            metadata: { qonduit_job_id: job.jobId, qonduit_attempt_id: job.attemptId },
          },
        ],
        shots: job.shots,
      };
      const answer = asRecord(
        await sendJson(
          ctx,
          call(ctx, credential, 'POST', `jobs/${encodeURIComponent(job.backend)}/circuit`, body),
        ),
        PROVIDER,
        'job',
      );
      return { providerJobId: stringField(answer, 'id', PROVIDER, 'job') };
    },

    async poll(providerJobId, credential, ctx) {
      const job = asRecord(
        await sendJson(ctx, call(ctx, credential, 'GET', jobPath(providerJobId))),
        PROVIDER,
        'job',
      );
      const raw = typeof job.status === 'string' ? job.status : '';
      const status = STATES[raw.toLowerCase()];
      if (status === undefined) return { status: 'RUNNING', message: `IQM status '${raw.slice(0, 40)}'` };
      if (status !== 'FAILED') return { status };
      const firstError = Array.isArray(job.errors) && isRecord(job.errors[0]) ? job.errors[0] : {};
      const reason =
        typeof firstError.message === 'string' ? firstError.message : 'IQM reported the job as failed';
      return { status, message: reason.slice(0, 500) };
    },

    async result(providerJobId, _job, credential, ctx) {
      const artifact = await sendJson(
        ctx,
        call(ctx, credential, 'GET', `${jobPath(providerJobId)}/artifacts/measurement_counts`),
      );
      return { counts: iqmCountsToCounts(artifact) };
    },

    async cancel(providerJobId, credential, ctx) {
      await send(ctx, call(ctx, credential, 'POST', `${jobPath(providerJobId)}/cancel`));
    },

    async proxyAuthHeaders(credential) {
      return { authorization: `Bearer ${credentialField(credential, 'token', PROVIDER)}` };
    },
  };
}
