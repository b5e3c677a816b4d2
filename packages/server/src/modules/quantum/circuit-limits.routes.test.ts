import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import { INLINE_PROGRAM_BYTES } from './jobs.service';
import type { Browser, TestApp } from '../../test/harness';

// Programs built to make the parser do unbounded work (issue 12's reproductions) are refused
// with a 400 that names the limit, before any provider token is resolved, on any backend.

const IONQ_KEY = 'UsrIonQKey0123456789abcdefghijkl';
let t: TestApp;
let ionq: FakeIonq;
let ada: Browser;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY });
  t = await createTestApp({}, { QONDUIT_PROVIDER_IONQ_URL: ionq.url, QONDUIT_WORKER_INTERVAL_MS: '60000' });
  ada = await signUp(t);
  await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: IONQ_KEY } } });
});
afterAll(async () => {
  await t.close();
  await ionq.close();
});

/** 10 nested levels of 8 calls: about 10^9 expansions of gphase, which emits nothing. */
function nestedGateBomb(): string {
  const lines = ['OPENQASM 3.0;', 'qubit[1] q;', 'gate l0 a { gphase(0.1); gphase(0.1); gphase(0.1); gphase(0.1); gphase(0.1); gphase(0.1); gphase(0.1); gphase(0.1); }'];
  for (let i = 1; i <= 9; i++) lines.push(`gate l${i} a { ${Array.from({ length: 8 }, () => `l${i - 1} a;`).join(' ')} }`);
  lines.push('l9 q[0];');
  return lines.join('\n');
}

function deepGateChain(depth: number): string {
  const lines = ['OPENQASM 3.0;', 'qubit[1] q;', 'gate g0 a { x a; }'];
  for (let i = 1; i < depth; i++) lines.push(`gate g${i} a { g${i - 1} a; }`);
  lines.push(`g${depth - 1} q[0];`);
  return lines.join('\n');
}

const submit = (backend: string, input: string) =>
  ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: backend, shots: 10, input_format: 'OPEN_QASM_V3', input } });

describe('programs that would make the parser work without bound', () => {
  it.each([
    ['a 10-level nested gate bomb', nestedGateBomb(), /expansion steps.*MAX_EXPANSION_STEPS/],
    ['5,000 nested parentheses', `OPENQASM 3.0;\nqubit[1] q;\nrz(${'('.repeat(5000)}1${')'.repeat(5000)}) q[0];`, /MAX_EXPRESSION_DEPTH/],
    ['a 20,000-deep gate chain', deepGateChain(20_000), /MAX_GATE_NESTING/],
  ])('refuses %s with 400 naming the limit, on the local simulator and on IonQ', async (_name, program, limit) => {
    const submissions = ionq.requests.length;
    for (const backend of ['local.simulator', 'ionq.simulator']) {
      const res = await submit(backend, program);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'unsupported_circuit' } });
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(limit);
    }
    expect(ionq.requests.length).toBe(submissions);
    expect((await t.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('still takes a long chain of + and ^ without recursion', async () => {
    const res = await submit('local.simulator', `OPENQASM 3.0;\nqubit[1] q;\nbit[1] c;\nrz(${Array.from({ length: 20_000 }, () => '1').join('+')}) q[0];\nc = measure q;`);
    expect(res.statusCode).toBe(201);
  });

  it('reads a program too large for the request thread in a worker, with the same answers', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => (i % 2 === 0 ? 'h q[0];' : 'h q[1];')).join('\n');
    const program = `OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\n${body}\nc = measure q;`;
    expect(program.length).toBeGreaterThan(INLINE_PROGRAM_BYTES);
    const ok = await submit('local.simulator', program);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ status: 'PENDING' });
    // Refusals read in the worker still name the line, and measurements must still come last.
    const broken = await submit('local.simulator', `${program}\nfrobnicate q[0];`);
    expect(broken.statusCode).toBe(400);
    expect(broken.json<{ error: { message: string } }>().error.message).toMatch(/line 20005.*frobnicate/);
    const early = await submit('local.simulator', `OPENQASM 3.0;\nqubit[2] q;\nbit[2] c;\nc = measure q;\n${body}`);
    expect(early.statusCode).toBe(400);
    expect(early.json<{ error: { message: string } }>().error.message).toMatch(/measure/i);
    const ionqJson = { qubits: 2, circuit: Array.from({ length: 2_000 }, () => ({ gate: 'h', targets: [0] })) };
    const res = await ada.request({ method: 'POST', url: '/quantum/jobs', payload: { backend_id: 'ionq.simulator', shots: 10, input_format: 'IONQ_CIRCUIT_V1', input: ionqJson } });
    expect(res.statusCode).toBe(201);
  });
});
