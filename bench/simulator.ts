// Times the local simulator against the npm package quantum-circuit on the same circuits.
// Run: npx tsx bench/simulator.ts   (or call main() from another script)
//
// Both sides are timed on state evolution only (no sampling). quantum-circuit runs in a
// child process with a time limit, because at 20+ qubits it can take minutes or exhaust
// the heap; a run that does not finish is reported as "> N s".
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { simulate } from '@qonduit/runtime';
import type { Circuit, GateOp } from '@qonduit/runtime';
import { size } from './common';
import { writeSection } from './report';

const WORKER_FLAG = '--quantum-circuit-worker';

export interface BenchOptions {
  /** Qubit counts to run each circuit at. */
  sizes?: number[];
  /** Time limit for one quantum-circuit run, in milliseconds. */
  timeoutMs?: number;
  /** Layers of H and CX in the "layers" circuit. */
  depth?: number;
}

export interface BenchRow {
  circuit: string;
  qubits: number;
  gates: number;
  oursMs: number;
  /** Milliseconds, or undefined when quantum-circuit did not finish. */
  theirsMs: number | undefined;
  /** Why there is no time for quantum-circuit, e.g. "> 20 s". */
  theirsNote: string | undefined;
  /** The time limit quantum-circuit exceeded, when it did. */
  theirsLimitMs: number | undefined;
}

function gate(name: GateOp['name'], qubits: number[], params: number[] = []): GateOp {
  return { kind: 'gate', name, qubits, params };
}

/** The QFT of the basis state |0101...>, with the final swaps. */
export function qftCircuit(qubits: number): Circuit {
  const ops: GateOp[] = [];
  for (let q = 0; q < qubits; q += 2) ops.push(gate('x', [q]));
  for (let j = qubits - 1; j >= 0; j--) {
    ops.push(gate('h', [j]));
    for (let k = j - 1; k >= 0; k--) ops.push(gate('cp', [k, j], [Math.PI / 2 ** (j - k)]));
  }
  for (let i = 0; i < Math.floor(qubits / 2); i++) ops.push(gate('swap', [i, qubits - 1 - i]));
  return { qubits, clbits: 0, ops };
}

/** `depth` layers of: H on every qubit, then a CX ladder 0→1→…→n-1. */
export function layersCircuit(qubits: number, depth: number): Circuit {
  const ops: GateOp[] = [];
  for (let layer = 0; layer < depth; layer++) {
    for (let q = 0; q < qubits; q++) ops.push(gate('h', [q]));
    for (let q = 0; q + 1 < qubits; q++) ops.push(gate('cx', [q, q + 1]));
  }
  return { qubits, clbits: 0, ops };
}

// --- the quantum-circuit side (runs in the child process)

interface QuantumCircuitInstance {
  state: Record<string, { re: number; im: number } | undefined>;
  appendGate(name: string, wires: number | number[], options?: { params: Record<string, number> }): void;
  run(): void;
}
type QuantumCircuitConstructor = new (qubits?: number) => QuantumCircuitInstance;

type WorkerRequest = { circuit: Circuit };
type WorkerMessage = { kind: 'ready' } | { kind: 'done'; ms: number; probes: number[] };

// Probabilities of the first basis states, to check that both sides ran the same circuit.
const PROBES = 4;

// Gate and parameter names in quantum-circuit; its cu1 is Qiskit's cp.
const QC_GATES: Partial<Record<GateOp['name'], { name: string; params: string[] }>> = {
  h: { name: 'h', params: [] },
  x: { name: 'x', params: [] },
  cx: { name: 'cx', params: [] },
  swap: { name: 'swap', params: [] },
  cp: { name: 'cu1', params: ['lambda'] },
};

function toQuantumCircuit(QuantumCircuit: QuantumCircuitConstructor, circuit: Circuit): QuantumCircuitInstance {
  const qc = new QuantumCircuit(circuit.qubits);
  for (const op of circuit.ops) {
    if (op.kind !== 'gate') continue;
    const spec = QC_GATES[op.name];
    if (spec === undefined) throw new Error(`the benchmark does not translate '${op.name}' for quantum-circuit`);
    const wires = op.qubits.length === 1 ? (op.qubits[0] ?? 0) : op.qubits;
    const params = Object.fromEntries(spec.params.map((key, i) => [key, op.params[i] ?? 0]));
    qc.appendGate(spec.name, wires, { params });
  }
  return qc;
}

function runWorker(): void {
  process.once('message', (message: WorkerRequest) => {
    const QuantumCircuit = createRequire(import.meta.url)('quantum-circuit') as QuantumCircuitConstructor;
    const qc = toQuantumCircuit(QuantumCircuit, message.circuit);
    const send = (reply: WorkerMessage): void => {
      process.send?.(reply);
    };
    send({ kind: 'ready' });
    const start = performance.now();
    qc.run();
    const ms = performance.now() - start;
    const probes = Array.from({ length: PROBES }, (_, i) => {
      const amp = qc.state[String(i)];
      return amp === undefined ? 0 : amp.re * amp.re + amp.im * amp.im;
    });
    send({ kind: 'done', ms, probes });
    process.disconnect?.();
  });
}

type TheirResult = { ok: true; ms: number; probes: number[] } | { ok: false; note: string; limitMs?: number };

function timeQuantumCircuit(circuit: Circuit, timeoutMs: number): Promise<TheirResult> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), [WORKER_FLAG], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: TheirResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve(result);
    };
    child.on('message', (message: WorkerMessage) => {
      if (message.kind === 'ready') {
        // The clock starts once the library is loaded and the circuit built.
        timer = setTimeout(() => finish({ ok: false, note: `> ${timeoutMs / 1000} s`, limitMs: timeoutMs }), timeoutMs);
      } else {
        finish({ ok: true, ms: message.ms, probes: message.probes });
      }
    });
    child.on('exit', (code, signal) => {
      finish({ ok: false, note: `failed (${signal ?? `exit ${code ?? '?'}`}, likely out of memory)` });
    });
    child.send({ circuit } satisfies WorkerRequest);
  });
}

// --- our side

function timeOurs(circuit: Circuit, repeats: number): { ms: number; probes: number[] } {
  let best = Infinity;
  let probes: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const state = simulate(circuit);
    best = Math.min(best, performance.now() - start);
    probes = Array.from({ length: PROBES }, (_, k) => (state.re[k] ?? 0) ** 2 + (state.im[k] ?? 0) ** 2);
  }
  return { ms: best, probes };
}

function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

// quantum-circuit's time over ours; for a run stopped at the time limit, the lower bound it
// proves (only when that bound says something, i.e. is above 1).
function ratio(row: BenchRow): string {
  if (row.theirsMs !== undefined) return `${(row.theirsMs / row.oursMs).toFixed(0)}x`;
  if (row.theirsLimitMs !== undefined && row.theirsLimitMs > row.oursMs) {
    return `> ${(row.theirsLimitMs / row.oursMs).toFixed(0)}x`;
  }
  return '-';
}

function printTable(rows: BenchRow[]): void {
  const header = ['circuit', 'qubits', 'gates', 'ours (ms)', 'quantum-circuit (ms)', 'ratio'];
  const body = rows.map((row) => [
    row.circuit,
    String(row.qubits),
    String(row.gates),
    formatMs(row.oursMs),
    row.theirsMs !== undefined ? formatMs(row.theirsMs) : (row.theirsNote ?? '-'),
    ratio(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

export async function main(options: BenchOptions = {}): Promise<BenchRow[]> {
  // 22 rather than 24 qubits at most: a quarter of the time, and quantum-circuit stops at 20 anyway.
  const sizes = options.sizes ?? size([12, 16, 20, 22], [12, 16]);
  const timeoutMs = options.timeoutMs ?? size(10_000, 3_000);
  const depth = options.depth ?? 3;
  const circuits: Array<{ name: string; build: (qubits: number) => Circuit }> = [
    { name: 'qft', build: qftCircuit },
    { name: `h+cx layers x${depth}`, build: (n) => layersCircuit(n, depth) },
  ];

  // Let the JIT compile every kernel before anything is timed.
  for (const { build } of circuits) timeOurs(build(Math.min(...sizes, 16)), 5);

  const rows: BenchRow[] = [];
  for (const { name, build } of circuits) {
    let theirTimedOut: TheirResult | undefined;
    for (const qubits of sizes) {
      const circuit = build(qubits);
      // Best of several runs where a run is short enough for noise to matter.
      const ours = timeOurs(circuit, qubits <= 16 ? 5 : qubits <= 20 ? 2 : 1);
      let theirs: TheirResult;
      if (theirTimedOut !== undefined && !theirTimedOut.ok) {
        // More qubits is strictly more work, so the smaller run's bound holds here too.
        theirs = { ...theirTimedOut, note: `${theirTimedOut.note} (not run)` };
      } else {
        theirs = await timeQuantumCircuit(circuit, timeoutMs);
        if (!theirs.ok) theirTimedOut = theirs;
      }
      if (theirs.ok) {
        const worst = Math.max(...theirs.probes.map((p, i) => Math.abs(p - (ours.probes[i] ?? 0))));
        if (worst > 1e-9) throw new Error(`${name} at ${qubits} qubits: the simulators disagree (${worst})`);
      }
      const row: BenchRow = {
        circuit: name,
        qubits,
        gates: circuit.ops.length,
        oursMs: ours.ms,
        theirsMs: theirs.ok ? theirs.ms : undefined,
        theirsNote: theirs.ok ? undefined : theirs.note,
        theirsLimitMs: theirs.ok ? undefined : theirs.limitMs,
      };
      rows.push(row);
      console.error(`  ${name} @ ${qubits}: ours ${formatMs(row.oursMs)} ms, quantum-circuit ${row.theirsMs !== undefined ? `${formatMs(row.theirsMs)} ms` : (row.theirsNote ?? '-')}`);
    }
  }
  console.log(`\nlocal simulator vs quantum-circuit — state evolution only; node ${process.version}`);
  console.log(
    `quantum-circuit runs are limited to ${timeoutMs / 1000} s; a circuit that ran out of time is not run again at more qubits.\n`,
  );
  printTable(rows);
  // Per circuit, the most qubits at which quantum-circuit's time, or a bound of it, says something.
  const largest = circuits.flatMap(({ name }) => rows.filter((r) => r.circuit === name && ratio(r) !== '-').slice(-1));
  writeSection({
    name: 'simulator',
    title: 'Local simulator against the quantum-circuit package',
    notes:
      `State evolution only (no sampling), the same circuits on both; ours is the best of up to 5 runs in this process, quantum-circuit runs in a child process limited to ${timeoutMs / 1000} s per circuit ` +
      `(a circuit that ran out of time is not run again at more qubits). The first basis states' probabilities are compared, so both ran the same circuit.`,
    table: [
      ['circuit', 'qubits', 'gates', 'ours', 'quantum-circuit', 'quantum-circuit ÷ ours'],
      ...rows.map((r) => [r.circuit, String(r.qubits), String(r.gates), `${formatMs(r.oursMs)} ms`, r.theirsMs !== undefined ? `${formatMs(r.theirsMs)} ms` : (r.theirsNote ?? '—'), ratio(r)]),
    ],
    figures: largest.map((r) => ({ what: `quantum-circuit ÷ ours, ${r.circuit} at ${r.qubits} qubits`, value: ratio(r), goal: '> 1 (faster)', met: r.theirsMs !== undefined ? r.theirsMs > r.oursMs : r.theirsLimitMs !== undefined && r.theirsLimitMs > r.oursMs })),
  });
  return rows;
}

const executedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (executedDirectly) {
  if (process.argv.includes(WORKER_FLAG)) {
    runWorker();
  } else {
    main().catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
