import { assertTerminalMeasurements, CircuitError, validateCircuit } from './circuit';
import type { Circuit, GateName, GateOp, Op } from './circuit';
import { MAX_IONQ_GATES, MAX_IONQ_JSON_DEPTH, MAX_IONQ_QUBITS, MAX_OPERATIONS } from './limits';

// IonQ's JSON circuit format with the "qis" gate set (docs.ionq.com, "Writing quantum
// programs"): {qubits, circuit: [{gate, target|targets, control|controls, rotation}]}.
// Angles are radians. IonQ measures every qubit at the end, so the format has no measurement.

export interface IonqGate {
  gate: string;
  target?: number;
  targets?: number[];
  control?: number;
  controls?: number[];
  rotation?: number;
}

export interface IonqCircuit {
  qubits: number;
  circuit: IonqGate[];
}

const ROTATIONS = new Set(['rx', 'ry', 'rz']);
// IonQ name → IR name for the uncontrolled one-qubit gates.
const ONE_QUBIT: ReadonlyMap<string, GateName> = new Map([
  ['x', 'x'],
  ['not', 'x'],
  ['y', 'y'],
  ['z', 'z'],
  ['h', 'h'],
  ['s', 's'],
  ['si', 'sdg'],
  ['t', 't'],
  ['ti', 'tdg'],
  ['v', 'sx'],
  ['vi', 'sxdg'],
  ['rx', 'rx'],
  ['ry', 'ry'],
  ['rz', 'rz'],
]);
const ALLOWED_KEYS = new Set(['gate', 'target', 'targets', 'control', 'controls', 'rotation']);
const TOP_LEVEL_KEYS = new Set(['qubits', 'circuit', 'gateset', 'format']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses input nested deeper than any IonQ circuit can be, walking it with an explicit stack.
 * What is refused here is never handed to code that recurses over it (JSON.stringify when the
 * job is stored, an error message quoting a value), where deep nesting overflows the stack.
 */
function assertJsonDepth(input: unknown): void {
  const stack: Array<[unknown, number]> = [[input, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_IONQ_JSON_DEPTH) {
      throw new CircuitError(
        `the IonQ circuit nests arrays and objects more than ${MAX_IONQ_JSON_DEPTH} levels deep, which exceeds the limit of ${MAX_IONQ_JSON_DEPTH} levels (MAX_IONQ_JSON_DEPTH)`,
      );
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
}

/** A short, safe rendering of any JSON value for an error message. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Reads an IONQ_CIRCUIT_V1 input into the IR. A gate listing several `targets` without
 * controls is applied to each target (swap takes exactly two); a gate with `control` or
 * `controls` becomes the matching controlled IR gate (cnot with two controls is a Toffoli).
 */
export function fromIonqCircuit(input: unknown): Circuit {
  if (!isRecord(input)) throw new CircuitError('an IonQ circuit must be an object {qubits, circuit}');
  for (const key of Object.keys(input)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw new CircuitError(`unknown field '${key}' in the IonQ circuit`);
  }
  const { qubits, circuit } = input;
  // Counted before anything walks the entries.
  if (Array.isArray(circuit) && circuit.length > MAX_IONQ_GATES) {
    throw new CircuitError(
      `the IonQ circuit has ${circuit.length} gates, which exceeds the limit of ${MAX_IONQ_GATES} gates (MAX_IONQ_GATES)`,
    );
  }
  assertJsonDepth(input);
  if (input.gateset !== undefined && input.gateset !== 'qis') {
    throw new CircuitError(`IonQ gateset ${describe(input.gateset)} is not supported (only "qis")`);
  }
  if (input.format !== undefined && typeof input.format !== 'string') {
    throw new CircuitError("'format' must be a string");
  }
  if (typeof qubits !== 'number' || !Number.isInteger(qubits) || qubits < 1 || qubits > MAX_IONQ_QUBITS) {
    throw new CircuitError(`'qubits' must be an integer from 1 to ${MAX_IONQ_QUBITS}`);
  }
  if (!Array.isArray(circuit)) throw new CircuitError("'circuit' must be an array of gates");

  const ops: Op[] = [];
  circuit.forEach((entry: unknown, index) => {
    // An entry with several targets stands for one gate on each.
    const gates = readGate(entry, index, qubits);
    if (ops.length + gates.length > MAX_OPERATIONS) {
      throw new CircuitError(
        `circuit[${index}] takes the circuit to ${ops.length + gates.length} operations, which exceeds the limit of ${MAX_OPERATIONS} operations (MAX_OPERATIONS)`,
      );
    }
    for (const op of gates) ops.push(op);
  });
  return { qubits, clbits: 0, ops };
}

function readGate(entry: unknown, index: number, qubits: number): GateOp[] {
  const where = `circuit[${index}]`;
  if (!isRecord(entry)) throw new CircuitError(`${where} must be an object`);
  for (const key of Object.keys(entry)) {
    if (!ALLOWED_KEYS.has(key)) throw new CircuitError(`${where}: unknown field '${key}'`);
  }
  const name = entry.gate;
  if (typeof name !== 'string') throw new CircuitError(`${where}: 'gate' must be a string`);

  const qubit = (value: unknown, field: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new CircuitError(`${where}: '${field}' must be an integer`);
    if (value < 0 || value >= qubits) {
      throw new CircuitError(`${where}: qubit ${value} in '${field}' is out of range (the circuit has ${qubits} qubits)`);
    }
    return value;
  };
  const list = (single: string, plural: string): number[] => {
    const one = entry[single];
    const many = entry[plural];
    if (one !== undefined && many !== undefined) throw new CircuitError(`${where}: give '${single}' or '${plural}', not both`);
    if (one !== undefined) return [qubit(one, single)];
    if (many === undefined) return [];
    if (!Array.isArray(many) || many.length === 0) throw new CircuitError(`${where}: '${plural}' must be a non-empty array`);
    return many.map((value: unknown, i) => qubit(value, `${plural}[${i}]`));
  };

  const targets = list('target', 'targets');
  const controls = list('control', 'controls');
  if (targets.length === 0) throw new CircuitError(`${where}: '${name}' needs a 'target' or 'targets'`);
  const used = [...targets, ...controls];
  if (new Set(used).size !== used.length) throw new CircuitError(`${where}: a qubit appears more than once`);

  let params: number[] = [];
  if (ROTATIONS.has(name)) {
    const rotation = entry.rotation;
    if (typeof rotation !== 'number' || !Number.isFinite(rotation)) {
      throw new CircuitError(`${where}: '${name}' needs a finite number 'rotation' (radians)`);
    }
    params = [rotation];
  } else if (entry.rotation !== undefined) {
    throw new CircuitError(`${where}: '${name}' takes no 'rotation'`);
  }

  if (name === 'swap') {
    const [a, b] = targets;
    if (targets.length !== 2 || a === undefined || b === undefined) {
      throw new CircuitError(`${where}: 'swap' needs exactly two targets`);
    }
    if (controls.length > 1) throw new CircuitError(`${where}: 'swap' with more than one control is not supported`);
    const [c] = controls;
    return [c === undefined ? gate('swap', [a, b], []) : gate('cswap', [c, a, b], [])];
  }

  const base = name === 'cnot' ? 'x' : ONE_QUBIT.get(name);
  if (base === undefined) throw new CircuitError(`${where}: unknown gate '${name}' (expected a "qis" gate)`);
  if (name === 'cnot' && controls.length === 0) throw new CircuitError(`${where}: 'cnot' needs a 'control' or 'controls'`);
  if (controls.length === 0) return targets.map((t) => gate(base, [t], params));
  if (targets.length !== 1) throw new CircuitError(`${where}: a controlled '${name}' takes exactly one target`);
  const [target = 0] = targets;
  return controlled(where, name, base, controls, target, params);
}

function gate(name: GateName, qubits: number[], params: number[]): GateOp {
  return { kind: 'gate', name, qubits, params };
}

// IonQ gate with one control → IR gate; S and T become controlled phases.
const SINGLE_CONTROL: Partial<Record<GateName, { name: GateName; params?: number[] }>> = {
  x: { name: 'cx' },
  y: { name: 'cy' },
  z: { name: 'cz' },
  h: { name: 'ch' },
  rx: { name: 'crx' },
  ry: { name: 'cry' },
  rz: { name: 'crz' },
  s: { name: 'cp', params: [Math.PI / 2] },
  sdg: { name: 'cp', params: [-Math.PI / 2] },
  t: { name: 'cp', params: [Math.PI / 4] },
  tdg: { name: 'cp', params: [-Math.PI / 4] },
};

function controlled(where: string, name: string, base: GateName, controls: number[], target: number, params: number[]): GateOp[] {
  const [c0 = 0, c1 = 0] = controls;
  if (controls.length === 2 && base === 'x') return [gate('ccx', [c0, c1, target], [])];
  const single = controls.length === 1 ? SINGLE_CONTROL[base] : undefined;
  if (single !== undefined) return [gate(single.name, [c0, target], [...(single.params ?? params)])];
  throw new CircuitError(
    `${where}: '${name}' with ${controls.length} control${controls.length === 1 ? '' : 's'} is not supported`,
  );
}

// IR gate → IonQ gate name, for gates IonQ has under another name.
const TO_IONQ = { x: 'x', y: 'y', z: 'z', h: 'h', s: 's', sdg: 'si', t: 't', tdg: 'ti', sx: 'v', sxdg: 'vi' } as const;

const CONTROLLED_PHASE_GATES: ReadonlyMap<number, string> = new Map([
  [Math.PI / 2, 's'],
  [-Math.PI / 2, 'si'],
  [Math.PI / 4, 't'],
  [-Math.PI / 4, 'ti'],
]);

/**
 * Writes the IR in IonQ's "qis" JSON. Gates IonQ lacks are rewritten exactly, up to a global
 * phase that no measurement can see: p/u1 → rz, u/u3/u2 → rz·ry·rz, cp → rz and two cnots.
 * Measurements and barriers are dropped because IonQ measures all qubits at the end; a
 * circuit that measures before its last gate is refused.
 */
export function toIonqCircuit(circuit: Circuit): IonqCircuit {
  validateCircuit(circuit);
  assertTerminalMeasurements(circuit);
  const out: IonqGate[] = [];
  for (const op of circuit.ops) {
    if (op.kind !== 'gate') continue;
    const [a = 0, b = 0, c = 0] = op.qubits;
    const [p0 = 0, p1 = 0, p2 = 0] = op.params;
    switch (op.name) {
      case 'id':
        break;
      case 'x':
      case 'y':
      case 'z':
      case 'h':
      case 's':
      case 'sdg':
      case 't':
      case 'tdg':
      case 'sx':
      case 'sxdg':
        out.push({ gate: TO_IONQ[op.name], target: a });
        break;
      case 'rx':
      case 'ry':
      case 'rz':
        out.push({ gate: op.name, target: a, rotation: p0 });
        break;
      case 'p':
      case 'u1':
        out.push({ gate: 'rz', target: a, rotation: p0 });
        break;
      case 'u2':
        out.push(...eulerRotations(a, Math.PI / 2, p0, p1));
        break;
      case 'u3':
      case 'u':
        out.push(...eulerRotations(a, p0, p1, p2));
        break;
      case 'cx':
        out.push({ gate: 'cnot', control: a, target: b });
        break;
      case 'cy':
        out.push({ gate: 'y', control: a, target: b });
        break;
      case 'cz':
        out.push({ gate: 'z', control: a, target: b });
        break;
      case 'ch':
        out.push({ gate: 'h', control: a, target: b });
        break;
      case 'crx':
        out.push({ gate: 'rx', control: a, target: b, rotation: p0 });
        break;
      case 'cry':
        out.push({ gate: 'ry', control: a, target: b, rotation: p0 });
        break;
      case 'crz':
        out.push({ gate: 'rz', control: a, target: b, rotation: p0 });
        break;
      case 'cp': {
        // Controlled S and T, as fromIonqCircuit reads them, go back to IonQ's own gates.
        const phaseGate = CONTROLLED_PHASE_GATES.get(p0);
        if (phaseGate !== undefined) {
          out.push({ gate: phaseGate, control: a, target: b });
          break;
        }
        // cp(λ) = p(λ/2) on the control, then cx · p(-λ/2) · cx · p(λ/2) on the target.
        out.push(
          { gate: 'rz', target: a, rotation: p0 / 2 },
          { gate: 'cnot', control: a, target: b },
          { gate: 'rz', target: b, rotation: -p0 / 2 },
          { gate: 'cnot', control: a, target: b },
          { gate: 'rz', target: b, rotation: p0 / 2 },
        );
        break;
      }
      case 'swap':
        out.push({ gate: 'swap', targets: [a, b] });
        break;
      case 'ccx':
        out.push({ gate: 'cnot', controls: [a, b], target: c });
        break;
      case 'cswap':
        out.push({ gate: 'swap', control: a, targets: [b, c] });
        break;
    }
  }
  return { qubits: circuit.qubits, circuit: out };
}

// U(θ, φ, λ) = Rz(φ)·Ry(θ)·Rz(λ) up to a global phase; IonQ applies entries in order.
function eulerRotations(target: number, theta: number, phi: number, lambda: number): IonqGate[] {
  return [
    { gate: 'rz', target, rotation: lambda },
    { gate: 'ry', target, rotation: theta },
    { gate: 'rz', target, rotation: phi },
  ];
}

const QASM3_NAMES: Partial<Record<GateName, string>> = { u: 'U' };

/**
 * Prints the IR as OpenQASM 3 over one register `q` (and `c` when there are classical bits),
 * using only stdgates.inc; `sxdg`, which stdgates.inc lacks, is defined when it is used.
 */
export function toQasm3(circuit: Circuit): string {
  validateCircuit(circuit);
  const lines = ['OPENQASM 3.0;', 'include "stdgates.inc";'];
  if (circuit.ops.some((op) => op.kind === 'gate' && op.name === 'sxdg')) {
    // s·h·s equals sxdg up to a global phase.
    lines.push('gate sxdg a { s a; h a; s a; }');
  }
  lines.push(`qubit[${circuit.qubits}] q;`);
  if (circuit.clbits > 0) lines.push(`bit[${circuit.clbits}] c;`);
  for (const op of circuit.ops) {
    switch (op.kind) {
      case 'gate': {
        const name = QASM3_NAMES[op.name] ?? op.name;
        const params = op.params.length > 0 ? `(${op.params.map(formatAngle).join(', ')})` : '';
        lines.push(`${name}${params} ${op.qubits.map((q) => `q[${q}]`).join(', ')};`);
        break;
      }
      case 'measure':
        lines.push(`c[${op.clbit}] = measure q[${op.qubit}];`);
        break;
      case 'barrier':
        lines.push('barrier q;');
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}

// Shortest text that reads back as the same double.
function formatAngle(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}
