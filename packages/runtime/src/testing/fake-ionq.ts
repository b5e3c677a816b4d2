import { randomUUID } from 'node:crypto';
import { CircuitError } from '../simulator/circuit';
import type { Circuit } from '../simulator/circuit';
import { fromIonqCircuit } from '../simulator/ionq-circuit';
import { parseQasm } from '../simulator/qasm-parser';
import { outcomeProbabilities } from './fake-execution';
import { isObject, json, parseJson, startFakeServer } from './fake-server';
import type { FakeReply, FakeServer } from './fake-server';

// A fake IonQ API v0.4 at `<url>` = http://127.0.0.1:<port>/v0.4. It checks what IonQ checks:
// `Authorization: apiKey <key>` on every call, the job body's type, backend, shots and input.

export interface FakeIonqJob {
  id: string;
  type: string;
  backend: string;
  shots: number;
  name: string | undefined;
  qubits: number;
  status: 'submitted' | 'started' | 'completed' | 'canceled' | 'failed';
  polls: number;
  probabilities: Map<number, number>;
}

export interface FakeIonq extends FakeServer {
  readonly jobs: Map<string, FakeIonqJob>;
}

const BACKEND = /^(simulator|qpu\.[a-z0-9-]+)$/;
const MAX_SHOTS = 100_000;

function error(status: number, message: string): FakeReply {
  const names: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' };
  return json(status, { statusCode: status, error: names[status] ?? 'Error', message });
}

function readCircuit(type: string, input: Record<string, unknown>): Circuit {
  if (type === 'ionq.circuit.v1') return fromIonqCircuit(input);
  if (typeof input.data !== 'string') throw new CircuitError('input.data must be the OpenQASM program text');
  const circuit = parseQasm(input.data);
  if (typeof input.qubits === 'number' && input.qubits < circuit.qubits) {
    throw new CircuitError(`input.qubits is ${input.qubits} but the program uses ${circuit.qubits}`);
  }
  return circuit;
}

export async function startFakeIonq(options: { apiKey: string; pollsUntilDone?: number }): Promise<FakeIonq> {
  const jobs = new Map<string, FakeIonqJob>();
  const pollsUntilDone = options.pollsUntilDone ?? 2;

  function submit(body: unknown): FakeReply {
    if (!isObject(body)) return error(400, 'body must be a JSON object');
    const { type, backend, shots, name, input } = body;
    if (type !== 'ionq.circuit.v1' && type !== 'ionq.qasm3.v1')
      return error(400, `unsupported job type ${JSON.stringify(type)}`);
    if (typeof backend !== 'string' || !BACKEND.test(backend))
      return error(400, `unknown backend ${JSON.stringify(backend)}`);
    if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 1 || shots > MAX_SHOTS) {
      return error(400, `shots must be an integer from 1 to ${MAX_SHOTS}`);
    }
    if (name !== undefined && typeof name !== 'string') return error(400, 'name must be a string');
    if (!isObject(input)) return error(400, 'input is required');
    let circuit: Circuit;
    try {
      circuit = readCircuit(type, input);
    } catch (e) {
      if (e instanceof CircuitError) return error(400, `invalid input: ${e.message}`);
      throw e;
    }
    const job: FakeIonqJob = {
      id: randomUUID(),
      type,
      backend,
      shots,
      name,
      qubits: circuit.qubits,
      status: 'submitted',
      polls: 0,
      probabilities: outcomeProbabilities(circuit),
    };
    jobs.set(job.id, job);
    return json(200, { id: job.id, status: job.status, request: Math.floor(Date.now() / 1000) });
  }

  function describe(job: FakeIonqJob): Record<string, unknown> {
    return {
      id: job.id,
      name: job.name,
      status: job.status,
      backend: job.backend,
      shots: job.shots,
      qubits: job.qubits,
      ...(job.status === 'completed'
        ? { results: { probabilities: { url: `/v0.4/jobs/${job.id}/results/probabilities` } } }
        : {}),
    };
  }

  const server = await startFakeServer(
    (req) => {
      if (req.headers.authorization !== `apiKey ${options.apiKey}`) return error(401, 'Invalid key provided');
      const m = /^\/jobs\/([^/]+)(\/.*)?$/.exec(req.route);
      if (req.method === 'GET' && req.route === '/whoami')
        return json(200, { id: 'fake-key', name: 'fake key', project_id: 'fake-project' });
      if (req.method === 'GET' && req.route === '/backends') {
        return json(200, [
          { backend: 'simulator', status: 'available', qubits: 29 },
          { backend: 'qpu.aria-1', status: 'available', qubits: 25 },
        ]);
      }
      if (req.method === 'POST' && req.route === '/jobs') return submit(parseJson(req.body));
      if (m === null) return error(404, 'not found');
      const job = jobs.get(decodeURIComponent(m[1] ?? ''));
      if (job === undefined) return error(404, 'job not found');
      const rest = m[2] ?? '';
      if (req.method === 'GET' && rest === '') {
        if (job.status === 'submitted' || job.status === 'started') {
          job.polls += 1;
          job.status = job.polls >= pollsUntilDone ? 'completed' : 'started';
        }
        return json(200, describe(job));
      }
      if (req.method === 'GET' && rest === '/results/probabilities') {
        if (job.status !== 'completed') return error(400, `job is ${job.status}, results are not available`);
        return json(
          200,
          Object.fromEntries([...job.probabilities].map(([outcome, p]) => [String(outcome), p])),
        );
      }
      if (req.method === 'PUT' && rest === '/status/cancel') {
        if (job.status === 'submitted' || job.status === 'started') job.status = 'canceled';
        return json(200, { id: job.id, status: job.status });
      }
      return error(404, 'not found');
    },
    { basePath: '/v0.4' },
  );
  return Object.assign(server, { jobs });
}
