import { randomUUID } from 'node:crypto';
import { systemClock } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { AdapterContext, ProviderAdapter, ProviderJobSpec } from '../adapters/types';
import { providerUrlsFromEnv } from '../providers/base-urls';
import { toQasm3 } from '../simulator/ionq-circuit';
import { parseQasm } from '../simulator/qasm-parser';

// Helpers for adapter tests: a context whose provider URLs point at fakes, and a Bell job.

export function fakeContext(env: Record<string, string>, clock: Clock = systemClock): AdapterContext {
  return { urls: providerUrlsFromEnv(env), fetch: globalThis.fetch, clock };
}

export const BELL_QASM = `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c[0] = measure q[0];
c[1] = measure q[1];
`;

export function jobFromQasm(
  source: string,
  backend: string,
  shots = 1000,
  name = 'test job',
  ids: { jobId?: string; attemptId?: string } = {},
): ProviderJobSpec {
  const ir = parseQasm(source);
  return {
    backend,
    shots,
    name,
    qasm3: toQasm3(ir),
    ir,
    qubits: ir.qubits,
    jobId: ids.jobId ?? 'job-0001',
    attemptId: ids.attemptId ?? randomUUID(),
  };
}

export function bellJob(backend: string, shots = 1000): ProviderJobSpec {
  return jobFromQasm(BELL_QASM, backend, shots, 'bell');
}

/** Polls until the job leaves PENDING/RUNNING (the fakes finish within a few polls). */
export async function pollUntilDone(
  adapter: ProviderAdapter,
  providerJobId: string,
  credential: Record<string, string>,
  ctx: AdapterContext,
  maxPolls = 10,
): Promise<string> {
  if (adapter.poll === undefined) throw new Error(`${adapter.id} cannot poll`);
  for (let i = 0; i < maxPolls; i++) {
    const state = await adapter.poll(providerJobId, credential, ctx);
    if (state.status !== 'PENDING' && state.status !== 'RUNNING') return state.status;
  }
  throw new Error(`job ${providerJobId} did not finish within ${maxPolls} polls`);
}
