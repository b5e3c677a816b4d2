import { randomUUID } from 'node:crypto';
import type { Circuit, Op } from '../simulator/circuit';
import { sampleQubits } from './fake-execution';
import { isObject, json, parseJson, startFakeServer } from './fake-server';
import type { FakeReply, FakeServer } from './fake-server';

// A fake IQM Server API v1 at `url` = <origin>/api/v1: bearer token, quantum computers
// "garnet" (20 qubits) and "sirius", circuit jobs in iqm-client's JSON (prx/cz/measure on
// QB1..QBn), and the measurement_counts artifact ({measurement_keys, counts} per circuit).

export interface FakeIqmJob {
  id: string;
  qc: string;
  status: 'waiting' | 'processing' | 'completed' | 'cancelled' | 'failed';
  polls: number;
  circuit: Circuit;
  /** Measurement keys in circuit order, with the qubit each reads. */
  keys: Array<{ key: string; qubit: number }>;
  shots: number;
}

export interface FakeIqm extends FakeServer {
  readonly jobs: Map<string, FakeIqmJob>;
}

const COMPUTERS: Record<string, { id: string; qubits: number }> = {
  garnet: { id: 'c6f7e0f4-5c1c-4a8e-9f6d-3a2b1c0d9e8f', qubits: 20 },
  sirius: { id: '0b8a2f4e-1d3c-4b5a-8e7f-6a5b4c3d2e1f', qubits: 16 },
};

function problem(status: number, message: string): FakeReply {
  return json(status, { message, detail: message });
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * IQM's native gates in our IR: prx(θ, φ) = exp(−iθ/2 (cos φ X + sin φ Y)) = Rz(φ)·Rx(θ)·Rz(−φ);
 * cz; measure. Returns an error message for what IQM would refuse.
 */
export function iqmInstructionsToIr(
  instructions: unknown[],
  qubits: number,
): { circuit: Circuit; keys: Array<{ key: string; qubit: number }> } | { error: string } {
  const ops: Op[] = [];
  const keys: Array<{ key: string; qubit: number }> = [];
  const measured = new Set<number>();
  const qubit = (name: unknown): number | undefined => {
    const m = typeof name === 'string' ? /^QB(\d+)$/.exec(name) : null;
    const index = m === null ? NaN : Number(m[1]) - 1;
    return Number.isInteger(index) && index >= 0 && index < qubits ? index : undefined;
  };
  for (const [i, instruction] of instructions.entries()) {
    if (!isObject(instruction) || !Array.isArray(instruction.locus) || !isObject(instruction.args)) {
      return { error: `instruction ${i} must be {name, locus, args}` };
    }
    const locus: number[] = [];
    for (const name of instruction.locus) {
      const q = qubit(name);
      if (q === undefined) return { error: `instruction ${i}: unknown qubit in locus` };
      if (measured.has(q)) return { error: `instruction ${i}: qubit used after measurement` };
      locus.push(q);
    }
    const [a = 0, b = 0] = locus;
    const { angle, phase, key } = instruction.args;
    switch (instruction.name) {
      case 'prx':
        if (locus.length !== 1 || !isNumber(angle) || !isNumber(phase))
          return { error: `instruction ${i}: prx needs one qubit, angle, phase` };
        ops.push(
          { kind: 'gate', name: 'rz', qubits: [a], params: [-phase] },
          { kind: 'gate', name: 'rx', qubits: [a], params: [angle] },
          { kind: 'gate', name: 'rz', qubits: [a], params: [phase] },
        );
        break;
      case 'cz':
        if (locus.length !== 2 || a === b)
          return { error: `instruction ${i}: cz needs two different qubits` };
        ops.push({ kind: 'gate', name: 'cz', qubits: [a, b], params: [] });
        break;
      case 'measure':
        if (typeof key !== 'string' || key === '' || keys.some((k) => k.key === key)) {
          return { error: `instruction ${i}: measure needs a unique key` };
        }
        for (const q of locus) {
          keys.push({ key, qubit: q });
          measured.add(q);
        }
        break;
      case 'barrier':
        break;
      default:
        return { error: `instruction ${i}: unknown operation ${JSON.stringify(instruction.name)}` };
    }
  }
  if (keys.length === 0) return { error: 'the circuit measures nothing' };
  return { circuit: { qubits, clbits: 0, ops }, keys };
}

export async function startFakeIqm(options: { token: string; pollsUntilDone?: number }): Promise<FakeIqm> {
  const jobs = new Map<string, FakeIqmJob>();
  const pollsUntilDone = options.pollsUntilDone ?? 2;

  function submit(qc: string, body: unknown): FakeReply {
    const computer = COMPUTERS[qc];
    if (computer === undefined) return problem(404, `Quantum computer "${qc}" does not exist`);
    if (!isObject(body) || !Array.isArray(body.circuits) || body.circuits.length !== 1) {
      return problem(400, 'body must be {circuits: [one circuit], shots}');
    }
    const shots = body.shots ?? 1;
    if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 1)
      return problem(400, 'shots must be greater than zero');
    const spec: unknown = body.circuits[0];
    if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.instructions)) {
      return problem(400, 'a circuit is {name, instructions}');
    }
    const read = iqmInstructionsToIr(spec.instructions, computer.qubits);
    if ('error' in read) return problem(400, `Circuit validation failed: ${read.error}`);
    const job: FakeIqmJob = {
      id: randomUUID(),
      qc,
      status: 'waiting',
      polls: 0,
      circuit: read.circuit,
      keys: read.keys,
      shots,
    };
    jobs.set(job.id, job);
    return json(200, describe(job));
  }

  function describe(job: FakeIqmJob): Record<string, unknown> {
    return {
      id: job.id,
      type: 'circuit',
      status: job.status,
      qc: { id: COMPUTERS[job.qc]?.id, alias: job.qc },
      queue_position: job.status === 'waiting' ? 1 : null,
      artifacts: job.status === 'completed' ? [{ type: 'measurement_counts' }, { type: 'measurements' }] : [],
    };
  }

  function counts(job: FakeIqmJob): FakeReply {
    // Trim the simulation to the qubits the circuit touches: 20 qubits would be slow for nothing.
    const used =
      Math.max(
        ...job.keys.map((k) => k.qubit),
        ...job.circuit.ops.flatMap((op) => (op.kind === 'gate' ? op.qubits : [])),
      ) + 1;
    const shots = sampleQubits({ ...job.circuit, qubits: used }, job.shots);
    const tally: Record<string, number> = {};
    for (const shot of shots) {
      const key = job.keys.map((k) => String(shot[k.qubit] ?? 0)).join('');
      tally[key] = (tally[key] ?? 0) + 1;
    }
    return json(200, [{ measurement_keys: job.keys.map((k) => k.key), counts: tally }]);
  }

  const server = await startFakeServer(
    (req) => {
      if (req.headers.authorization !== `Bearer ${options.token}`) return problem(401, 'Unauthorized');
      if (req.method === 'GET' && req.route === '/quantum-computers') {
        return json(200, {
          quantum_computers: Object.entries(COMPUTERS).map(([alias, qc]) => ({
            id: qc.id,
            alias,
            display_name: alias,
          })),
        });
      }
      const submitPath = /^\/jobs\/([^/]+)\/circuit$/.exec(req.route);
      if (req.method === 'POST' && submitPath !== null)
        return submit(decodeURIComponent(submitPath[1] ?? ''), parseJson(req.body));
      const m = /^\/jobs\/([^/]+)(\/cancel|\/artifacts\/measurement_counts)?$/.exec(req.route);
      const job = m === null ? undefined : jobs.get(decodeURIComponent(m[1] ?? ''));
      if (m === null || job === undefined) return problem(404, 'Job not found');
      if (req.method === 'GET' && m[2] === undefined) {
        if (job.status === 'waiting' || job.status === 'processing') {
          job.polls += 1;
          job.status = job.polls >= pollsUntilDone ? 'completed' : 'processing';
        }
        return json(200, describe(job));
      }
      if (req.method === 'GET' && m[2] === '/artifacts/measurement_counts') {
        return job.status === 'completed' ? counts(job) : problem(404, 'Artifact not found');
      }
      if (req.method === 'POST' && m[2] === '/cancel') {
        if (job.status === 'waiting' || job.status === 'processing') job.status = 'cancelled';
        return { status: 204 };
      }
      return problem(404, 'Not Found');
    },
    { basePath: '/api/v1' },
  );
  return Object.assign(server, { jobs });
}
