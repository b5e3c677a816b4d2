import { randomBytes, randomUUID } from 'node:crypto';
import { systemClock } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import { CircuitError } from '../simulator/circuit';
import type { Circuit } from '../simulator/circuit';
import { parseQasm } from '../simulator/qasm-parser';
import { sampleClbits } from './fake-execution';
import { isObject, json, parseJson, startFakeServer } from './fake-server';
import type { FakeReply, FakeServer } from './fake-server';

// A fake IBM Cloud IAM (at `iamUrl`, POST /identity/token) and Qiskit Runtime REST API (at
// `url` = <origin>/api/v1) in one server. IAM checks the form and the key and issues tokens
// that expire; the runtime API accepts only tokens IAM issued and not yet expired, the
// instance CRN, and a dated IBM-API-Version, as IBM does.

export interface FakeIbmJob {
  id: string;
  backend: string;
  status: 'Queued' | 'Running' | 'Completed' | 'Cancelled' | 'Failed';
  polls: number;
  circuit: Circuit;
  registers: Array<{ name: string; size: number }>;
  shots: number;
  tags: string[];
  created: string;
}

export interface FakeIbm extends FakeServer {
  readonly iamUrl: string;
  readonly jobs: Map<string, FakeIbmJob>;
  /** Jobs created per `qonduit-job-<id>` tag (else per job): more than one is a double submission. */
  readonly submissions: Map<string, number>;
  /** Tokens issued, with their expiry (ms since the epoch on the fake's clock). */
  readonly tokens: Map<string, number>;
  /** How many key exchanges IAM answered successfully. */
  iamExchanges(): number;
}

export interface FakeIbmOptions {
  apiKey: string;
  crn: string;
  clock?: Clock;
  tokenTtlSeconds?: number;
  pollsUntilDone?: number;
  backends?: string[];
}

const GRANT_TYPE = 'urn:ibm:params:oauth:grant-type:apikey';
const DEFAULT_SHOTS = 4096;

// IAM's error body. BXNIM0415E is IAM's code for an unknown API key; the other codes here
// stand for "malformed request" and were not checked against IAM.
function iamError(code: string, message: string): FakeReply {
  return json(400, { errorCode: code, errorMessage: message, context: { requestId: randomUUID() } });
}

function runtimeError(status: number, code: string, message: string): FakeReply {
  return json(status, {
    errors: [{ code, message, more_info: 'https://quantum.cloud.ibm.com/docs' }],
    trace: randomUUID(),
    status_code: status,
  });
}

/** The classical registers a program declares, in order (our parser flattens them). */
export function declaredRegisters(source: string, clbits: number): Array<{ name: string; size: number }> {
  const registers: Array<{ name: string; size: number }> = [];
  const declaration =
    /^\s*(?:bit\s*(?:\[\s*(\d+)\s*\])?\s+([A-Za-z_]\w*)|creg\s+([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\])\s*;/gm;
  for (const m of source.matchAll(declaration)) {
    const name = m[2] ?? m[3] ?? 'c';
    const size = Number(m[1] ?? m[4] ?? 1);
    registers.push({ name, size });
  }
  const total = registers.reduce((sum, r) => sum + r.size, 0);
  return total === clbits ? registers : [{ name: 'c', size: clbits }];
}

export async function startFakeIbm(options: FakeIbmOptions): Promise<FakeIbm> {
  const clock = options.clock ?? systemClock;
  const ttl = options.tokenTtlSeconds ?? 3600;
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const backends = options.backends ?? ['ibm_brisbane', 'ibm_torino'];
  const tokens = new Map<string, number>();
  const jobs = new Map<string, FakeIbmJob>();
  const submissions = new Map<string, number>();
  let exchanges = 0;

  function iam(contentType: string | undefined, body: string): FakeReply {
    if (!(contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
      return iamError('BXNIM0109E', 'Property missing or empty. Operation not allowed.');
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== GRANT_TYPE) return iamError('BXNIM0103E', 'Unsupported grant type.');
    const apikey = form.get('apikey');
    if (apikey === null || apikey === '') return iamError('BXNIM0104E', 'Property missing or empty: apikey.');
    if (apikey !== options.apiKey) return iamError('BXNIM0415E', 'Provided API key could not be found.');
    const token = `fake-iam-${randomBytes(24).toString('base64url')}`;
    const now = clock.now().getTime();
    tokens.set(token, now + ttl * 1000);
    exchanges += 1;
    return json(200, {
      access_token: token,
      refresh_token: 'not_supported',
      token_type: 'Bearer',
      expires_in: ttl,
      expiration: Math.floor(now / 1000) + ttl,
      scope: 'ibm openid',
    });
  }

  function submit(body: unknown): FakeReply {
    if (!isObject(body)) return runtimeError(400, 'invalid_request', 'body must be a JSON object');
    if (body.program_id !== 'sampler')
      return runtimeError(400, 'invalid_request', 'only program_id "sampler" is served here');
    if (typeof body.backend !== 'string' || !backends.includes(body.backend)) {
      return runtimeError(400, 'invalid_request', `Backend ${JSON.stringify(body.backend)} not found`);
    }
    const params = body.params;
    if (
      !isObject(params) ||
      params.version !== 2 ||
      !Array.isArray(params.pubs) ||
      params.pubs.length !== 1
    ) {
      return runtimeError(400, 'invalid_request', 'params must be {pubs: [one pub], version: 2}');
    }
    const pub: unknown = params.pubs[0];
    if (
      !Array.isArray(pub) ||
      typeof pub[0] !== 'string' ||
      (pub[1] !== null && pub[1] !== undefined && !Array.isArray(pub[1]))
    ) {
      return runtimeError(400, 'invalid_request', 'a pub is [circuit, parameter values, shots]');
    }
    const shots: unknown = pub[2] ?? DEFAULT_SHOTS;
    if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 1) {
      return runtimeError(400, 'invalid_request', 'shots must be a positive integer');
    }
    const tags: unknown = body.tags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string' || t.length > 255)) {
      return runtimeError(400, 'invalid_request', 'tags must be a list of strings');
    }
    let circuit: Circuit;
    try {
      circuit = parseQasm(pub[0]);
    } catch (e) {
      if (e instanceof CircuitError)
        return runtimeError(400, 'invalid_request', `Invalid circuit: ${e.message}`);
      throw e;
    }
    const job: FakeIbmJob = {
      id: randomBytes(10).toString('hex'),
      backend: body.backend,
      status: 'Queued',
      polls: 0,
      circuit,
      registers: declaredRegisters(pub[0], circuit.clbits),
      shots,
      tags: tags as string[],
      created: clock.now().toISOString(),
    };
    jobs.set(job.id, job);
    const key = job.tags.find((t) => t.startsWith('qonduit-job-')) ?? job.id;
    submissions.set(key, (submissions.get(key) ?? 0) + 1);
    return json(200, { id: job.id, backend: job.backend });
  }

  function results(job: FakeIbmJob): FakeReply {
    const memory = job.circuit.clbits === 0 ? [] : sampleClbits(job.circuit, job.shots);
    const width = job.circuit.clbits;
    const data: Record<string, { samples: string[]; num_bits: number }> = {};
    let offset = 0;
    for (const register of job.registers) {
      if (register.size === 0) continue;
      const start = width - offset - register.size;
      data[register.name] = {
        samples: memory.map(
          (bits) => `0x${BigInt(`0b${bits.slice(start, start + register.size)}`).toString(16)}`,
        ),
        num_bits: register.size,
      };
      offset += register.size;
    }
    return json(200, { results: [{ data, metadata: { circuit_metadata: {} } }], metadata: { version: 2 } });
  }

  const server = await startFakeServer((req) => {
    if (req.method === 'POST' && req.route === '/identity/token')
      return iam(req.headers['content-type'], req.body);
    if (!req.route.startsWith('/api/v1/')) return json(404, { message: 'not found' });
    const route = req.route.slice('/api/v1'.length);

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = bearer === undefined ? undefined : tokens.get(bearer);
    if (expiresAt === undefined || clock.now().getTime() >= expiresAt) {
      return runtimeError(401, 'unauthorized', 'Invalid or expired bearer token');
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(req.headers['ibm-api-version'] ?? '')) {
      return runtimeError(400, 'invalid_request', 'IBM-API-Version header must be a date such as 2025-05-01');
    }
    const crn = req.headers['service-crn'];
    if (crn === undefined) return runtimeError(400, 'invalid_request', 'Service-CRN header is required');
    if (crn !== options.crn) return runtimeError(403, 'forbidden', 'You do not have access to this instance');

    if (req.method === 'GET' && route === '/backends')
      return json(200, { devices: backends.map((name) => ({ name })) });
    if (req.method === 'POST' && route === '/jobs') return submit(parseJson(req.body));
    if (req.method === 'GET' && route === '/jobs') {
      // Jobs carrying every tag asked for, newest first.
      const wanted = req.query.getAll('tags');
      const after = req.query.get('created_after');
      const found = [...jobs.values()]
        .filter((j) => wanted.every((t) => j.tags.includes(t)) && (after === null || j.created > after))
        .reverse();
      const limit = Number(req.query.get('limit') ?? 200);
      return json(200, {
        jobs: found.slice(0, limit).map((j) => ({ id: j.id, backend: j.backend, status: j.status, state: { status: j.status }, tags: j.tags, created: j.created })),
        count: found.length,
        limit,
        offset: 0,
      });
    }
    const m = /^\/jobs\/([^/]+)(\/results|\/cancel)?$/.exec(route);
    const job = m === null ? undefined : jobs.get(decodeURIComponent(m[1] ?? ''));
    if (m === null || job === undefined) return runtimeError(404, 'not_found', 'Job not found');
    const action = m[2];
    if (req.method === 'GET' && action === undefined) {
      if (job.status === 'Queued' || job.status === 'Running') {
        job.polls += 1;
        job.status = job.polls >= pollsUntilDone ? 'Completed' : 'Running';
      }
      return json(200, {
        id: job.id,
        backend: job.backend,
        status: job.status,
        state: { status: job.status },
        program: { id: 'sampler' },
      });
    }
    if (req.method === 'GET' && action === '/results') {
      if (job.status !== 'Completed')
        return runtimeError(404, 'not_found', `Job ${job.id} has no results (${job.status})`);
      return results(job);
    }
    if (req.method === 'POST' && action === '/cancel') {
      if (job.status !== 'Queued' && job.status !== 'Running')
        return runtimeError(409, 'conflict', 'Job is already in a final state');
      job.status = 'Cancelled';
      return { status: 204 };
    }
    return runtimeError(404, 'not_found', 'not found');
  });

  return {
    ...server,
    url: `${server.origin}/api/v1`,
    iamUrl: server.origin,
    jobs,
    submissions,
    tokens,
    iamExchanges: () => exchanges,
  };
}
