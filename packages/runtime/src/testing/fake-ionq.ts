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
  metadata: Record<string, string> | null;
  submittedAt: string;
}

export interface FakeIonq extends FakeServer {
  readonly jobs: Map<string, FakeIonqJob>;
  /**
   * Jobs created per Qonduit job (its `metadata.qonduit_job_id`, else the job name): more than
   * one means the same job was submitted twice. IonQ has no idempotency token, so every
   * accepted POST /jobs creates a job.
   */
  readonly submissions: Map<string, number>;
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
  const submissions = new Map<string, number>();
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
    const metadata = body.metadata;
    if (
      metadata !== undefined &&
      (!isObject(metadata) ||
        Object.keys(metadata).length > 10 ||
        Object.entries(metadata).some(([k, v]) => k.length > 40 || typeof v !== 'string' || v.length > 40_000))
    ) {
      return error(400, 'metadata must be at most 10 string values with keys up to 40 characters');
    }
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
      metadata: metadata === undefined ? null : (metadata as Record<string, string>),
      submittedAt: new Date().toISOString(),
    };
    jobs.set(job.id, job);
    const key = job.metadata?.qonduit_job_id ?? name ?? job.id;
    submissions.set(key, (submissions.get(key) ?? 0) + 1);
    return json(200, { id: job.id, status: job.status, request: Math.floor(Date.now() / 1000) });
  }

  function describe(job: FakeIonqJob): Record<string, unknown> {
    return {
      id: job.id,
      name: job.name ?? null,
      status: job.status,
      backend: job.backend,
      metadata: job.metadata,
      submitted_at: job.submittedAt,
      shots: job.shots,
      qubits: job.qubits,
      ...(job.status === 'completed'
        ? { results: { probabilities: { url: `/v0.4/jobs/${job.id}/results/probabilities` } } }
        : {}),
    };
  }

  // GET /jobs: newest first, `limit` per page (default 25), `next` = the id to continue from.
  function list(query: URLSearchParams): FakeReply {
    const limit = Number(query.get('limit') ?? 25);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return error(400, 'limit must be from 1 to 1000');
    const all = [...jobs.values()].reverse();
    const after = query.get('next');
    const start = after === null ? 0 : all.findIndex((j) => j.id === after);
    if (start < 0) return error(400, 'invalid next');
    const page = all.slice(start, start + limit);
    const following = all[start + limit];
    return json(200, { jobs: page.map(describe), next: following === undefined ? null : following.id });
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
      if (req.method === 'GET' && req.route === '/jobs') return list(req.query);
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
  return Object.assign(server, { jobs, submissions });
}
