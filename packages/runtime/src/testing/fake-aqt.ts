import { randomUUID } from 'node:crypto';
import type { Circuit, Op } from '../simulator/circuit';
import { sampleQubits } from './fake-execution';
import { isObject, json, parseJson, startFakeServer } from './fake-server';
import type { FakeReply, FakeServer } from './fake-server';

// A fake AQT ARNICA public API at `url` = <origin>/api/v1, validating bodies as the published
// OpenAPI schema does (FastAPI's 422 with `detail`) and checking `Authorization: Bearer`.

export interface FakeAqtJob {
  id: string;
  workspace: string;
  resource: string;
  label: string | null;
  status: 'queued' | 'ongoing' | 'finished' | 'cancelled';
  polls: number;
  circuit: Circuit;
  shots: number;
}

export interface FakeAqt extends FakeServer {
  readonly jobs: Map<string, FakeAqtJob>;
}

const WORKSPACES: Record<string, Array<{ id: string; name: string; type: 'simulator' | 'device' }>> = {
  default: [
    { id: 'simulator_noise', name: 'Simulator with noise', type: 'simulator' },
    { id: 'ibex', name: 'IBEX', type: 'device' },
  ],
};
const MAX_QUBITS = 20;
const MAX_SHOTS = 2000;
const MAX_OPS = 2000;

function invalid(loc: Array<string | number>, msg: string): FakeReply {
  return json(422, { detail: [{ loc: ['body', ...loc], msg, type: 'value_error' }] });
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isQubit = (v: unknown, n: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n;

/**
 * AQT's gates in our IR, from their definitions in AQT's API (angles in units of π):
 * R(θ, φ) = exp(−iθπ/2 (cos φπ X + sin φπ Y)) = Rz(φπ)·Rx(θπ)·Rz(−φπ);
 * RZ(φ) = exp(−iφπ/2 Z); RXX(θ) = exp(−iθπ/2 X⊗X) = (H⊗H)·exp(−iθπ/2 Z⊗Z)·(H⊗H).
 * Returns an error message for an operation the schema refuses.
 */
export function aqtCircuitToIr(
  operations: unknown[],
  qubits: number,
): Circuit | { error: string; index: number } {
  const ops: Op[] = [];
  const gate = (name: 'rz' | 'rx' | 'h' | 'cx', q: number[], params: number[] = []) =>
    ops.push({ kind: 'gate', name, qubits: q, params });
  for (const [index, op] of operations.entries()) {
    if (!isObject(op)) return { error: 'operation must be an object', index };
    const last = index === operations.length - 1;
    switch (op.operation) {
      case 'MEASURE':
        if (!last) return { error: 'MEASURE must be the last operation', index };
        break;
      case 'RZ':
        if (!isQubit(op.qubit, qubits) || !isNumber(op.phi))
          return { error: 'RZ needs qubit and phi', index };
        gate('rz', [op.qubit], [op.phi * Math.PI]);
        break;
      case 'R':
        if (!isQubit(op.qubit, qubits) || !isNumber(op.theta) || !isNumber(op.phi))
          return { error: 'R needs qubit, theta, phi', index };
        if (op.theta < 0 || op.theta > 1) return { error: 'R theta must be in [0, 1]', index };
        if (op.phi < 0 || op.phi > 2) return { error: 'R phi must be in [0, 2]', index };
        gate('rz', [op.qubit], [-op.phi * Math.PI]);
        gate('rx', [op.qubit], [op.theta * Math.PI]);
        gate('rz', [op.qubit], [op.phi * Math.PI]);
        break;
      case 'RXX': {
        const pair: unknown[] = Array.isArray(op.qubits) ? op.qubits : [];
        const [a, b] = pair;
        if (pair.length !== 2 || !isQubit(a, qubits) || !isQubit(b, qubits) || a === b) {
          return { error: 'RXX needs two different qubits', index };
        }
        if (!isNumber(op.theta) || op.theta < 0 || op.theta > 0.5)
          return { error: 'RXX theta must be in [0, 0.5]', index };
        gate('h', [a]);
        gate('h', [b]);
        gate('cx', [a, b]);
        gate('rz', [b], [op.theta * Math.PI]);
        gate('cx', [a, b]);
        gate('h', [a]);
        gate('h', [b]);
        break;
      }
      default:
        return { error: `unknown operation ${JSON.stringify(op.operation)}`, index };
    }
  }
  if (!operations.some((op) => isObject(op) && op.operation === 'MEASURE'))
    return { error: 'the circuit must end in MEASURE', index: 0 };
  return { qubits, clbits: 0, ops };
}

export async function startFakeAqt(options: { token: string; pollsUntilDone?: number }): Promise<FakeAqt> {
  const jobs = new Map<string, FakeAqtJob>();
  const pollsUntilDone = options.pollsUntilDone ?? 2;

  function submit(workspace: string, resource: string, body: unknown): FakeReply {
    const resources = WORKSPACES[workspace];
    if (resources === undefined) return json(403, { detail: 'Workspace not available.' });
    if (!resources.some((r) => r.id === resource))
      return json(404, { detail: 'Resource not available in workspace.' });
    if (!isObject(body)) return invalid([], 'body must be an object');
    if (body.job_type !== undefined && body.job_type !== 'quantum_circuit')
      return invalid(['job_type'], "must be 'quantum_circuit'");
    const circuits = isObject(body.payload) ? body.payload.circuits : undefined;
    if (!Array.isArray(circuits) || circuits.length !== 1)
      return invalid(['payload', 'circuits'], 'this fake runs exactly one circuit');
    const spec: unknown = circuits[0];
    if (!isObject(spec)) return invalid(['payload', 'circuits', 0], 'must be an object');
    const { number_of_qubits: n, repetitions, quantum_circuit: operations } = spec;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_QUBITS) {
      return invalid(
        ['payload', 'circuits', 0, 'number_of_qubits'],
        `must be an integer from 1 to ${MAX_QUBITS}`,
      );
    }
    if (
      typeof repetitions !== 'number' ||
      !Number.isInteger(repetitions) ||
      repetitions < 1 ||
      repetitions > MAX_SHOTS
    ) {
      return invalid(['payload', 'circuits', 0, 'repetitions'], `must be an integer from 1 to ${MAX_SHOTS}`);
    }
    if (!Array.isArray(operations) || operations.length < 1 || operations.length > MAX_OPS) {
      return invalid(['payload', 'circuits', 0, 'quantum_circuit'], `must hold 1 to ${MAX_OPS} operations`);
    }
    const circuit = aqtCircuitToIr(operations, n);
    if ('error' in circuit)
      return invalid(['payload', 'circuits', 0, 'quantum_circuit', circuit.index], circuit.error);
    const label = typeof body.label === 'string' ? body.label : null;
    const job: FakeAqtJob = {
      id: randomUUID(),
      workspace,
      resource,
      label,
      status: 'queued',
      polls: 0,
      circuit,
      shots: repetitions,
    };
    jobs.set(job.id, job);
    return json(200, { job: jobUser(job), response: { status: 'queued' } });
  }

  function jobUser(job: FakeAqtJob): Record<string, unknown> {
    return {
      job_id: job.id,
      job_type: 'quantum_circuit',
      label: job.label,
      resource_id: job.resource,
      workspace_id: job.workspace,
    };
  }

  function result(job: FakeAqtJob): FakeReply {
    if (job.status === 'queued' || job.status === 'ongoing') {
      job.polls += 1;
      job.status = job.polls >= pollsUntilDone ? 'finished' : 'ongoing';
    }
    const response =
      job.status === 'finished'
        ? { status: 'finished', result: { '0': sampleQubits(job.circuit, job.shots) } }
        : job.status === 'ongoing'
          ? { status: 'ongoing', finished_count: 0 }
          : { status: job.status };
    return json(200, { job: jobUser(job), response });
  }

  const server = await startFakeServer(
    (req) => {
      if (req.headers.authorization !== `Bearer ${options.token}`)
        return json(401, { detail: 'Unauthorized' });
      if (req.method === 'GET' && req.route === '/workspaces') {
        return json(
          200,
          Object.entries(WORKSPACES).map(([id, resources]) => ({ id, resources })),
        );
      }
      const submitPath = /^\/submit\/([^/]+)\/([^/]+)$/.exec(req.route);
      if (req.method === 'POST' && submitPath !== null) {
        return submit(
          decodeURIComponent(submitPath[1] ?? ''),
          decodeURIComponent(submitPath[2] ?? ''),
          parseJson(req.body),
        );
      }
      const jobPath = /^\/(result|jobs)\/([^/]+)$/.exec(req.route);
      const id = decodeURIComponent(jobPath?.[2] ?? '');
      const job = jobs.get(id);
      if (req.method === 'GET' && jobPath?.[1] === 'result') {
        return job === undefined ? json(200, { job_id: id, message: 'unknown job_id' }) : result(job);
      }
      if (req.method === 'DELETE' && jobPath?.[1] === 'jobs') {
        if (job === undefined) return json(404, { detail: 'Job not found' });
        if (job.status === 'cancelled') return { status: 208 };
        if (job.status !== 'finished') job.status = 'cancelled';
        return { status: 204 };
      }
      return json(404, { detail: 'Not Found' });
    },
    { basePath: '/api/v1' },
  );
  return Object.assign(server, { jobs });
}
