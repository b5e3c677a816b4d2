import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPat, createTestApp, signUp } from '../test/harness';
import type { Browser, TestApp } from '../test/harness';

// Requests for every route of /openapi.json, generated from its own schemas and then bent:
// wrong types, missing and extra fields, huge and empty strings, NUL bytes and other unicode,
// bad URL escapes, wrong content types, malformed tokens and headers. Whatever arrives, the
// server answers below 500, with our JSON error shape, and a refused request changes nothing.
// Seeded, so a failure replays: QONDUIT_FUZZ_SEED and QONDUIT_FUZZ_RUNS override the defaults.

const SEED = Number(process.env.QONDUIT_FUZZ_SEED ?? 20261129);
// Per database; the suite runs on SQLite and PostgreSQL, so CI covers twice this many.
const RUNS = Number(process.env.QONDUIT_FUZZ_RUNS ?? 5000);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}
interface Operation {
  method: Method;
  path: string;
  params: string[];
  query: Record<string, JsonSchema>;
  body: JsonSchema | null;
}
interface Fixtures {
  owner: Browser;
  pat: string;
  orgId: string;
  jobId: string;
  spareTokenId: string;
}

let t: TestApp;
let fixtures: Fixtures;
let operations: Operation[];

async function makeFixtures(): Promise<Fixtures> {
  const owner = await signUp(t, 'Fuzz Owner');
  const pat = (await createPat(t, owner, { scopes: ['api', 'read_api', 'quantum_tokens'] })).token;
  const spareTokenId = (await createPat(t, owner, { scopes: ['read_api'] })).id;
  const orgId = (await owner.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: `Fuzz Lab ${Date.now()}` } })).json<{ id: string }>().id;
  const job = await owner.request({
    method: 'POST',
    url: '/quantum/jobs',
    payload: { backend_id: 'local.simulator', shots: 1, input_format: 'OPEN_QASM_V3', input: 'OPENQASM 3.0;\nqubit[1] q;\nbit[1] c;\nh q[0];\nc = measure q;\n' },
  });
  return { owner, pat, orgId, jobId: job.json<{ id: string }>().id, spareTokenId };
}

function readOperations(doc: { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema: JsonSchema }>; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path.startsWith('/docs')) continue;
    for (const [method, op] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(upper)) continue;
      const params = [...path.matchAll(/\{([\w*]+)\}/g)].map((m) => m[1] ?? '');
      const query = Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]));
      const body = op.requestBody?.content?.['application/json']?.schema ?? null;
      ops.push({ method: upper as Method, path, params, query, body });
    }
  }
  return ops;
}

// Strings that have broken parsers and databases before: NUL (PostgreSQL refuses it in text),
// lone surrogates, huge and empty strings, SQL and path tricks, look-alike tokens.
const nasty = fc.constantFrom(
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\uffff',
  '🧪',
  ' ',
  "' OR 1=1 --",
  '../../etc/passwd',
  'qdp_' + 'A'.repeat(36),
  'x'.repeat(5000),
  'rz(' + '('.repeat(300),
  '-1',
  '1e309',
  'null',
  'true',
  '%ff',
);
const anyString = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }));
const anyJson: Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyString, fc.constant(null));

/** A value shaped by the schema most of the time, and something else the rest. */
function fromSchema(schema: JsonSchema | undefined, depth = 0): Arbitrary<unknown> {
  if (!schema || depth > 4) return anyJson;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((s) => fromSchema(s, depth + 1)), anyJson);
  if (schema.const !== undefined) return fc.oneof({ weight: 4, arbitrary: fc.constant(schema.const) }, { weight: 1, arbitrary: anyJson });
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: anyJson });
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let shaped: Arbitrary<unknown>;
  switch (type) {
    case 'string':
      shaped = fc.oneof(anyString, fc.string({ minLength: (schema.maxLength ?? 40) + 1, maxLength: (schema.maxLength ?? 40) + 2 }));
      break;
    case 'integer':
    case 'number':
      shaped = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 53, schema.minimum ?? 1, schema.maximum ?? 1, 1.5, Number.MAX_SAFE_INTEGER));
      break;
    case 'boolean':
      shaped = fc.boolean();
      break;
    case 'array':
      shaped = fc.array(fromSchema(schema.items, depth + 1), { maxLength: 5 });
      break;
    case 'object': {
      const props = Object.entries(schema.properties ?? {});
      const shape = Object.fromEntries(props.map(([k, s]) => [k, fromSchema(s, depth + 1)]));
      shaped = fc
        .tuple(fc.record(shape, { requiredKeys: [] }), fc.dictionary(anyString, anyJson, { maxKeys: 2 }), fc.boolean())
        .map(([known, extra, withExtra]) => (withExtra ? { ...extra, ...known } : known));
      break;
    }
    case 'null':
    case undefined:
    default:
      shaped = anyJson;
  }
  return fc.oneof({ weight: 5, arbitrary: shaped }, { weight: 1, arbitrary: anyJson });
}

interface FuzzRequest {
  op: Operation;
  params: Array<{ good: boolean; raw: boolean; value: string }>;
  query: Record<string, unknown>;
  body: { kind: 'json'; value: unknown } | { kind: 'text'; value: string } | { kind: 'none' };
  contentType: string | null;
  auth: 'pat' | 'x-auth-token' | 'session' | 'session-no-csrf' | 'malformed' | 'none';
  org: 'none' | 'good' | 'junk';
  junkHeader: string;
}

function requestFor(op: Operation): Arbitrary<FuzzRequest> {
  const param = fc.record({ good: fc.boolean(), raw: fc.boolean(), value: anyString });
  const query = fc.record(Object.fromEntries(Object.entries(op.query).map(([k, s]) => [k, fromSchema(s)])), { requiredKeys: [] });
  const body = fc.oneof(
    { weight: 6, arbitrary: fromSchema(op.body ?? undefined).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: anyString.map((value) => ({ kind: 'text' as const, value: `{${value}` })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
  return fc.record({
    op: fc.constant(op),
    params: fc.array(param, { minLength: op.params.length, maxLength: op.params.length }),
    query,
    body,
    contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', null),
    auth: fc.constantFrom('pat', 'pat', 'x-auth-token', 'session', 'session-no-csrf', 'malformed', 'none'),
    org: fc.constantFrom('none', 'none', 'good', 'junk'),
    junkHeader: anyString,
  });
}

function goodParam(name: string, f: Fixtures): string {
  switch (name) {
    case 'org':
    case 'id':
      return name === 'org' ? f.orgId : f.jobId;
    case 'provider':
      return 'ionq';
    case 'user_id':
      return f.owner.userId;
    case '*':
      return 'jobs';
    default:
      return name.includes('token') ? f.spareTokenId : 'local.simulator';
  }
}

/** Percent-encodes what UTF-8 can carry; a lone surrogate becomes U+FFFD, as a client's would. */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
  }
}

function urlOf(r: FuzzRequest, f: Fixtures): string {
  let i = 0;
  const path = r.op.path.replace(/\{([\w*]+)\}/g, (_m, name: string) => {
    const p = r.params[i++];
    if (!p || p.good) return enc(goodParam(name, f));
    // Raw values reach the router undecoded: bad escapes, slashes, NUL.
    return p.raw ? enc(p.value).replace(/%25/g, '%').replace(/%2F/g, '/') : enc(p.value);
  });
  const qs = Object.entries(r.query)
    .map(([k, v]) => `${enc(k)}=${enc(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

function headersFor(r: FuzzRequest, f: Fixtures): { headers: Record<string, string>; viaBrowser: boolean } {
  const headers: Record<string, string> = {};
  if (r.contentType) headers['content-type'] = r.contentType;
  if (r.org === 'good') headers['x-organizationid'] = f.orgId;
  if (r.org === 'junk') headers['x-organizationid'] = r.junkHeader.replace(/[^\x20-\x7e]/g, '') || 'x';
  switch (r.auth) {
    case 'pat':
      headers.authorization = `Bearer ${f.pat}`;
      break;
    case 'x-auth-token':
      headers['x-auth-token'] = f.pat;
      break;
    case 'malformed':
      headers.authorization = `Bearer ${r.junkHeader.replace(/[^\x20-\x7e]/g, '')}`;
      break;
    case 'session-no-csrf':
      headers['x-csrf-token'] = 'wrong';
      break;
    case 'session':
    case 'none':
      break;
  }
  return { headers, viaBrowser: r.auth === 'session' || r.auth === 'session-no-csrf' };
}

// Tables whose rows a refused request must leave as they were. Columns that move on their own
// (last-used times flushed in the background, jobs stepped by the worker) are left out.
const WATCHED: Record<string, string[]> = {
  users: ['id', 'email', 'name', 'password_hash'],
  organizations: ['id', 'name'],
  memberships: ['organization_id', 'user_id', 'role'],
  personal_access_tokens: ['id', 'name', 'scopes', 'expires_at', 'revoked_at'],
  provider_tokens: ['id', 'account_id', 'provider', 'sealed', 'status'],
  jobs: ['id', 'account_id', 'backend_id', 'shots'],
};

async function snapshot(): Promise<string> {
  const hash = createHash('sha256');
  for (const [table, columns] of Object.entries(WATCHED)) {
    const rows = await sql<Record<string, unknown>>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} order by ${sql.ref(columns[0] ?? 'id')}`.execute(t.db);
    hash.update(JSON.stringify(rows.rows));
  }
  return hash.digest('hex');
}

beforeAll(async () => {
  // The fixtures are made again after every accepted write, so their own limits are off;
  // every other limit stays on and its 429s are part of what is checked.
  t = await createTestApp({}, { QONDUIT_WORKER_INTERVAL_MS: '60000', QONDUIT_RATE_LIMIT_SIGNUP: 'off', QONDUIT_RATE_LIMIT_TOKEN_CREATE: 'off' });
  fixtures = await makeFixtures();
  operations = readOperations((await t.request({ method: 'GET', url: '/openapi.json' })).json());
});
afterAll(async () => {
  await t.close();
});

describe('the API under fuzzed requests from its own OpenAPI document', () => {
  it('covers every documented route', () => {
    expect(operations.length).toBeGreaterThan(30);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['POST /api/v1/orgs', 'POST /quantum/jobs', 'PUT /api/v1/user/provider-tokens/{provider}']));
  });

  it(`answers ${RUNS} generated requests below 500, in our error shape, and changes nothing it refuses`, async () => {
    // Every kind of violation is collected with one example, so one run reports them all.
    const violations = new Map<string, string>();
    let reached = 0;
    const short = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...operations).chain(requestFor), async (r) => {
        const url = urlOf(r, fixtures);
        const { headers, viaBrowser } = headersFor(r, fixtures);
        const payload = r.body.kind === 'none' ? undefined : r.body.kind === 'text' ? r.body.value : JSON.stringify(r.body.value);
        const before = r.op.method === 'GET' ? '' : await snapshot();
        const options = { method: r.op.method, url, headers, ...(payload === undefined || r.op.method === 'GET' ? {} : { payload }) };
        const res = viaBrowser ? await fixtures.owner.request(options) : await t.request(options);
        const route = `${r.op.method} ${r.op.path}`;
        const example = `${r.op.method} ${short(url)} (${r.contentType ?? 'no content type'}, ${r.auth}) -> ${res.statusCode} ${short(res.body)}`;
        const violate = (kind: string) => {
          if (!violations.has(`${route}: ${kind}`)) violations.set(`${route}: ${kind}`, example);
        };
        if (res.statusCode >= 500) violate(`answered ${res.statusCode}`);
        if (res.headers['x-content-type-options'] !== 'nosniff') violate('no X-Content-Type-Options: nosniff');
        if (res.statusCode >= 400) {
          let body: { error?: { code?: unknown; message?: unknown } } = {};
          try {
            body = res.json();
          } catch {
            violate('an error that is not JSON');
          }
          if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') violate('an error without {error:{code, message}}');
          if (r.op.method !== 'GET' && (await snapshot()) !== before) violate(`refused with ${res.statusCode} but changed the database`);
        } else {
          reached += 1;
          // An accepted write may have revoked our token or deleted our organization.
          if (r.op.method !== 'GET') fixtures = await makeFixtures();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(Object.fromEntries(violations)).toEqual({});
    // Enough of the generated requests get past validation to reach the handlers.
    expect(reached).toBeGreaterThan(RUNS / 50);
  }, 600_000);
});
