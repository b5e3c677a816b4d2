// The circuit IR shared by the QASM reader, the IonQ converter and the local simulator.
// Qubit k is bit k of a state index (Qiskit's little-endian order); multi-qubit gates list
// their controls first, then their targets.

export const SUPPORTED_GATES = [
  'id',
  'x',
  'y',
  'z',
  'h',
  's',
  'sdg',
  't',
  'tdg',
  'sx',
  'sxdg',
  'rx',
  'ry',
  'rz',
  'p',
  'u1',
  'u2',
  'u3',
  'u',
  'cx',
  'cy',
  'cz',
  'ch',
  'swap',
  'crx',
  'cry',
  'crz',
  'cp',
  'ccx',
  'cswap',
] as const;

export type GateName = (typeof SUPPORTED_GATES)[number];

export interface GateSpec {
  qubits: number;
  params: number;
}

export const GATE_SPECS: Readonly<Record<GateName, GateSpec>> = {
  id: { qubits: 1, params: 0 },
  x: { qubits: 1, params: 0 },
  y: { qubits: 1, params: 0 },
  z: { qubits: 1, params: 0 },
  h: { qubits: 1, params: 0 },
  s: { qubits: 1, params: 0 },
  sdg: { qubits: 1, params: 0 },
  t: { qubits: 1, params: 0 },
  tdg: { qubits: 1, params: 0 },
  sx: { qubits: 1, params: 0 },
  sxdg: { qubits: 1, params: 0 },
  rx: { qubits: 1, params: 1 },
  ry: { qubits: 1, params: 1 },
  rz: { qubits: 1, params: 1 },
  p: { qubits: 1, params: 1 },
  u1: { qubits: 1, params: 1 },
  u2: { qubits: 1, params: 2 },
  u3: { qubits: 1, params: 3 },
  u: { qubits: 1, params: 3 },
  cx: { qubits: 2, params: 0 },
  cy: { qubits: 2, params: 0 },
  cz: { qubits: 2, params: 0 },
  ch: { qubits: 2, params: 0 },
  swap: { qubits: 2, params: 0 },
  crx: { qubits: 2, params: 1 },
  cry: { qubits: 2, params: 1 },
  crz: { qubits: 2, params: 1 },
  cp: { qubits: 2, params: 1 },
  ccx: { qubits: 3, params: 0 },
  cswap: { qubits: 3, params: 0 },
};

export interface GateOp {
  kind: 'gate';
  name: GateName;
  qubits: number[];
  params: number[];
}

export interface MeasureOp {
  kind: 'measure';
  qubit: number;
  clbit: number;
}

export interface BarrierOp {
  kind: 'barrier';
}

export type Op = GateOp | MeasureOp | BarrierOp;

export interface Circuit {
  qubits: number;
  clbits: number;
  ops: Op[];
}

// Raised for input that cannot be turned into (or run as) a circuit; the message is meant
// for the person who wrote the program, so a job can fail with it verbatim.
export class CircuitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CircuitError';
  }
}

const GATE_NAME_SET: ReadonlySet<string> = new Set(SUPPORTED_GATES);

export function isGateName(name: string): name is GateName {
  return GATE_NAME_SET.has(name);
}

function isIndex(value: number, size: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < size;
}

// The IR can come from code other than our parsers (tests, adapters), so anything that
// executes or converts it checks it first.
export function validateCircuit(circuit: Circuit): void {
  if (!Number.isInteger(circuit.qubits) || circuit.qubits < 0) {
    throw new CircuitError(`qubit count must be a non-negative integer, got ${String(circuit.qubits)}`);
  }
  if (!Number.isInteger(circuit.clbits) || circuit.clbits < 0) {
    throw new CircuitError(`classical bit count must be a non-negative integer, got ${String(circuit.clbits)}`);
  }
  circuit.ops.forEach((op, index) => {
    switch (op.kind) {
      case 'gate': {
        if (!isGateName(op.name)) throw new CircuitError(`operation ${index}: unknown gate '${String(op.name)}'`);
        const spec = GATE_SPECS[op.name];
        if (op.qubits.length !== spec.qubits) {
          throw new CircuitError(
            `operation ${index}: gate '${op.name}' acts on ${spec.qubits} qubit(s), got ${op.qubits.length}`,
          );
        }
        if (op.params.length !== spec.params) {
          throw new CircuitError(
            `operation ${index}: gate '${op.name}' takes ${spec.params} parameter(s), got ${op.params.length}`,
          );
        }
        for (const q of op.qubits) {
          if (!isIndex(q, circuit.qubits)) {
            throw new CircuitError(`operation ${index}: qubit ${q} is out of range (the circuit has ${circuit.qubits})`);
          }
        }
        if (new Set(op.qubits).size !== op.qubits.length) {
          throw new CircuitError(`operation ${index}: gate '${op.name}' uses the same qubit more than once`);
        }
        for (const p of op.params) {
          if (!Number.isFinite(p)) throw new CircuitError(`operation ${index}: parameter ${p} is not a finite number`);
        }
        break;
      }
      case 'measure':
        if (!isIndex(op.qubit, circuit.qubits)) {
          throw new CircuitError(`operation ${index}: qubit ${op.qubit} is out of range (the circuit has ${circuit.qubits})`);
        }
        if (!isIndex(op.clbit, circuit.clbits)) {
          throw new CircuitError(
            `operation ${index}: classical bit ${op.clbit} is out of range (the circuit has ${circuit.clbits})`,
          );
        }
        break;
      case 'barrier':
        break;
    }
  });
}

// Neither the simulator nor IonQ can measure in the middle of a circuit: once a qubit is
// measured, no gate may touch it again.
export function assertTerminalMeasurements(circuit: Circuit): void {
  const measured = new Set<number>();
  for (const op of circuit.ops) {
    if (op.kind === 'measure') {
      measured.add(op.qubit);
    } else if (op.kind === 'gate') {
      for (const q of op.qubits) {
        if (measured.has(q)) {
          throw new CircuitError(
            `mid-circuit measurement is not supported: gate '${op.name}' acts on qubit ${q} after it was measured`,
          );
        }
      }
    }
  }
}
