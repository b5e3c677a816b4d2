// A stand-in for the server's /quantum routes, faithful to the contract's shapes, for SDK and
// CLI tests of backends and jobs until the real routes land. Test-only.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend, Job, JobStatus, SubmitJobRequest } from '@qonduit/sdk';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeJobScript {
  /** How many status reads a job stays PENDING, then RUNNING, before it ends. */
  pendingPolls?: number;
  runningPolls?: number;
  outcome?: 'COMPLETED' | 'FAILED';
  errorMessage?: string;
  counts?: Record<string, number>;
}

export interface FakeQuantumServer {
  url: string;
  requests: RecordedRequest[];
  jobs: Map<string, Job>;
  /** What the next submitted job does. */
  script: FakeJobScript;
  /** A token the fake accepts; any other Authorization answers 401. */
  token: string;
  close(): Promise<void>;
}

// Our provider id → PlanQK's SDK family and hardware maker, as the server projects them.
const FAKE_PROJECTION: Record<string, { family: Backend['provider']; hardware: Backend['hardware_provider']; label: string }> = {
  local: { family: 'AWS', hardware: 'UNKNOWN', label: 'Local simulator' },
  ionq: { family: 'AZURE', hardware: 'IONQ', label: 'IonQ' },
};

export function fakeBackend(id: string, overrides: Partial<Backend> = {}): Backend {
  const [provider = 'local', name = id] = id.split('.');
  const projection = FAKE_PROJECTION[provider] ?? { family: 'UNKNOWN', hardware: 'UNKNOWN', label: provider };
  return {
    id,
    provider: projection.family,
    hardware_provider: projection.hardware,
    name,
    type: name.includes('simulator') ? 'SIMULATOR' : 'QPU',
    status: 'ONLINE',
    access_type: 'TOKEN_BASED',
    documentation: { description: `${id} for tests`, url: 'https://example.com', location: 'test' },
    configuration: {
      qubit_count: 4,
      gates: [{ name: 'h', native_gate: true }, { name: 'cx', native_gate: true }],
      instructions: ['h', 'cx', 'measure'],
      qubits: [{ id: '0' }, { id: '1' }, { id: '2' }, { id: '3' }],
      connectivity: { fully_connected: true, graph: {} },
      shots_range: { min: 1, max: 10_000 },
      supported_input_formats: ['OPEN_QASM_V3'],
      memory_result_supported: false,
    },
    qonduit: { provider, provider_name: projection.label, input_formats: ['OPEN_QASM_V2', 'OPEN_QASM_V3'], access: provider === 'local' ? 'not_needed' : 'user' },
    ...overrides,
  };
}

const BACKENDS = [fakeBackend('local.simulator'), fakeBackend('ionq.simulator')];

function send(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message, request_id: `req-${code}` }, error_message: message });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

export async function startFakeQuantumServer(token = 'qdp_fake'): Promise<FakeQuantumServer> {
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, Job>();
  const polls = new Map<string, number>();
  const scripts = new Map<string, FakeJobScript>();
  const state: FakeQuantumServer = {
    url: '',
    requests,
    jobs,
    script: {},
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function advance(job: Job): Job {
    const script = scripts.get(job.id) ?? {};
    const seen = (polls.get(job.id) ?? 0) + 1;
    polls.set(job.id, seen);
    if (job.status === 'CANCELLING') return { ...job, status: 'CANCELLED', ended_at: new Date().toISOString() };
    if (job.status === 'CANCELLED' || job.status === 'COMPLETED' || job.status === 'FAILED') return job;
    const pending = script.pendingPolls ?? 1;
    const running = script.runningPolls ?? 1;
    let status: JobStatus = 'PENDING';
    if (seen > pending) status = 'RUNNING';
    if (seen > pending + running) status = script.outcome ?? 'COMPLETED';
    const now = new Date().toISOString();
    return {
      ...job,
      status,
      started_at: status === 'PENDING' ? null : (job.started_at ?? now),
      ended_at: status === 'COMPLETED' || status === 'FAILED' ? now : null,
      error_message: status === 'FAILED' ? (script.errorMessage ?? 'the provider refused the circuit') : null,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readJson(req);
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${state.token}`) {
      sendError(res, 401, 'unauthenticated', 'Authentication failed: the token is not valid');
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'quantum') return sendError(res, 404, 'not_found', `No route ${req.method} ${url.pathname}`);
    if (parts[1] === 'backends') {
      const id = parts[2];
      if (id === undefined) {
        const provider = url.searchParams.get('provider');
        return send(res, 200, provider ? BACKENDS.filter((b) => b.provider === provider.toUpperCase() || b.qonduit.provider === provider.toLowerCase()) : BACKENDS);
      }
      const backend = BACKENDS.find((b) => b.id === id);
      if (!backend) return sendError(res, 404, 'not_found', `No backend ${id}`);
      if (parts[3] === 'status') return send(res, 200, { status: backend.status, provider_token_valid: true, access_type: backend.access_type });
      return send(res, 200, backend);
    }
    if (parts[1] !== 'jobs') return sendError(res, 404, 'not_found', 'No such route');
    const id = parts[2];
    if (id === undefined && req.method === 'POST') {
      const submit = body as SubmitJobRequest;
      if (!BACKENDS.some((b) => b.id === submit.backend_id)) return sendError(res, 404, 'not_found', `No backend ${submit.backend_id}`);
      const backend = fakeBackend(submit.backend_id);
      const job: Job = {
        // Shaped like the server's UUIDv7 ids: a shared head, a distinct tail.
        id: `01a2b3c4-0000-7000-8000-${String(jobs.size + 1).padStart(12, '0')}`,
        backend_id: submit.backend_id,
        provider: backend.provider,
        status: 'PENDING',
        shots: submit.shots,
        name: submit.name ?? null,
        tags: submit.tags ?? [],
        input_format: submit.input_format === 'OPEN_QASM_V2' ? null : submit.input_format,
        created_at: new Date().toISOString(),
        started_at: null,
        ended_at: null,
        token_source: 'user',
        error_message: null,
        qonduit: { provider: backend.qonduit.provider, provider_name: backend.qonduit.provider_name, input_format: submit.input_format },
      };
      jobs.set(job.id, job);
      scripts.set(job.id, { ...state.script });
      return send(res, 201, job);
    }
    if (id === undefined) {
      const all = [...jobs.values()].reverse();
      const page = url.searchParams.get('page');
      if (page === null) return send(res, 200, all);
      const size = Number(url.searchParams.get('size') ?? '20');
      const start = Number(page) * size;
      return send(res, 200, { content: all.slice(start, start + size), last: start + size >= all.length });
    }
    const job = jobs.get(id);
    if (!job) return sendError(res, 404, 'not_found', `No job ${id}`);
    if (req.method === 'DELETE') {
      if (job.status === 'PENDING' || job.status === 'RUNNING') jobs.set(id, { ...job, status: 'CANCELLING' });
      return send(res, 204);
    }
    if (parts[3] === 'status') {
      const next = advance(job);
      jobs.set(id, next);
      return send(res, 200, { status: next.status });
    }
    if (parts[3] === 'result') {
      if (job.status !== 'COMPLETED') return sendError(res, 409, 'conflict', `Job ${id} is ${job.status}: it has no result`);
      const half = Math.floor(job.shots / 2);
      return send(res, 200, { counts: scripts.get(id)?.counts ?? { '00': half, '11': job.shots - half } });
    }
    return send(res, 200, job);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendError(res, 500, 'internal', err instanceof Error ? err.message : 'failed'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake quantum server has no TCP address');
  state.url = `http://127.0.0.1:${address.port}`;
  return state;
}
