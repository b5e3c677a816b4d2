import { randomInt } from 'node:crypto';
import { assertTerminalMeasurements, CircuitError, validateCircuit } from './circuit';
import type { Circuit, GateName, GateOp } from './circuit';

// Two Float64Arrays of 2^24 amplitudes are 256 MB; one more qubit doubles that.
export const MAX_SIMULATOR_QUBITS = 24;
export const MAX_SHOTS = 1_000_000;

/** A 2x2 complex matrix as [m00re, m00im, m01re, m01im, m10re, m10im, m11re, m11im]. */
export type Matrix2 = readonly [number, number, number, number, number, number, number, number];

const H = Math.SQRT1_2;

function rotationParams(params: number[], count: number): number[] {
  return Array.from({ length: count }, (_, i) => params[i] ?? 0);
}

function u3Matrix(theta: number, phi: number, lambda: number): Matrix2 {
  const c = Math.cos(theta / 2);
  const s = Math.sin(theta / 2);
  return [
    c,
    0,
    -Math.cos(lambda) * s,
    -Math.sin(lambda) * s,
    Math.cos(phi) * s,
    Math.sin(phi) * s,
    Math.cos(phi + lambda) * c,
    Math.sin(phi + lambda) * c,
  ];
}

function phaseMatrix(lambda: number): Matrix2 {
  return [1, 0, 0, 0, 0, 0, Math.cos(lambda), Math.sin(lambda)];
}

type SingleQubitGate = Exclude<GateName, 'cx' | 'cy' | 'cz' | 'ch' | 'swap' | 'crx' | 'cry' | 'crz' | 'cp' | 'ccx' | 'cswap'>;

/** The matrix of a one-qubit gate, in Qiskit's conventions. */
export function singleQubitMatrix(name: SingleQubitGate, params: number[]): Matrix2 {
  const [a = 0, b = 0, c = 0] = rotationParams(params, 3);
  switch (name) {
    case 'id':
      return [1, 0, 0, 0, 0, 0, 1, 0];
    case 'x':
      return [0, 0, 1, 0, 1, 0, 0, 0];
    case 'y':
      return [0, 0, 0, -1, 0, 1, 0, 0];
    case 'z':
      return [1, 0, 0, 0, 0, 0, -1, 0];
    case 'h':
      return [H, 0, H, 0, H, 0, -H, 0];
    case 's':
      return [1, 0, 0, 0, 0, 0, 0, 1];
    case 'sdg':
      return [1, 0, 0, 0, 0, 0, 0, -1];
    case 't':
      return [1, 0, 0, 0, 0, 0, H, H];
    case 'tdg':
      return [1, 0, 0, 0, 0, 0, H, -H];
    case 'sx':
      return [0.5, 0.5, 0.5, -0.5, 0.5, -0.5, 0.5, 0.5];
    case 'sxdg':
      return [0.5, -0.5, 0.5, 0.5, 0.5, 0.5, 0.5, -0.5];
    case 'rx': {
      const co = Math.cos(a / 2);
      const si = Math.sin(a / 2);
      return [co, 0, 0, -si, 0, -si, co, 0];
    }
    case 'ry': {
      const co = Math.cos(a / 2);
      const si = Math.sin(a / 2);
      return [co, 0, -si, 0, si, 0, co, 0];
    }
    case 'rz':
      return [Math.cos(a / 2), -Math.sin(a / 2), 0, 0, 0, 0, Math.cos(a / 2), Math.sin(a / 2)];
    case 'p':
    case 'u1':
      return phaseMatrix(a);
    case 'u2':
      return u3Matrix(Math.PI / 2, a, b);
    case 'u3':
    case 'u':
      return u3Matrix(a, b, c);
  }
}

// The one-qubit gate a controlled gate applies to its target.
const CONTROLLED_BASE: Readonly<Record<'cx' | 'cy' | 'cz' | 'ch' | 'crx' | 'cry' | 'crz' | 'cp' | 'ccx', SingleQubitGate>> = {
  cx: 'x',
  cy: 'y',
  cz: 'z',
  ch: 'h',
  crx: 'rx',
  cry: 'ry',
  crz: 'rz',
  cp: 'p',
  ccx: 'x',
};

/** One gate, reduced to the kernel that applies it. */
type Kernel =
  | { kind: 'none' }
  | { kind: 'diagonal'; target: number; controls: number; d0r: number; d0i: number; d1r: number; d1i: number }
  | { kind: 'flip'; target: number; controls: number }
  | { kind: 'general'; target: number; controls: number; m: Matrix2 }
  | { kind: 'real'; target: number; controls: number; a: number; b: number; c: number; d: number }
  | { kind: 'swap'; a: number; b: number; controls: number };

function matrixKernel(target: number, controls: number, m: Matrix2): Kernel {
  const [m00r, m00i, m01r, m01i, m10r, m10i, m11r, m11i] = m;
  if (m01r === 0 && m01i === 0 && m10r === 0 && m10i === 0) {
    if (m00r === 1 && m00i === 0 && m11r === 1 && m11i === 0) return { kind: 'none' };
    return { kind: 'diagonal', target, controls, d0r: m00r, d0i: m00i, d1r: m11r, d1i: m11i };
  }
  if (m00r === 0 && m00i === 0 && m11r === 0 && m11i === 0 && m01r === 1 && m01i === 0 && m10r === 1 && m10i === 0) {
    return { kind: 'flip', target, controls };
  }
  if (m00i === 0 && m01i === 0 && m10i === 0 && m11i === 0) {
    return { kind: 'real', target, controls, a: m00r, b: m01r, c: m10r, d: m11r };
  }
  return { kind: 'general', target, controls, m };
}

function compile(op: GateOp): Kernel {
  const [q0 = 0, q1 = 0, q2 = 0] = op.qubits;
  switch (op.name) {
    case 'id':
      return { kind: 'none' };
    case 'swap':
      return { kind: 'swap', a: q0, b: q1, controls: 0 };
    case 'cswap':
      return { kind: 'swap', a: q1, b: q2, controls: 1 << q0 };
    case 'ccx':
      return matrixKernel(q2, (1 << q0) | (1 << q1), singleQubitMatrix('x', []));
    case 'cx':
    case 'cy':
    case 'cz':
    case 'ch':
    case 'crx':
    case 'cry':
    case 'crz':
    case 'cp':
      return matrixKernel(q1, 1 << q0, singleQubitMatrix(CONTROLLED_BASE[op.name], op.params));
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
    case 'rx':
    case 'ry':
    case 'rz':
    case 'p':
    case 'u1':
    case 'u2':
    case 'u3':
    case 'u':
      return matrixKernel(q0, 0, singleQubitMatrix(op.name, op.params));
  }
}

/** The highest qubit whose bit a kernel mixes amplitudes across; -1 when it only rescales them. */
function pairingQubit(kernel: Kernel): number {
  switch (kernel.kind) {
    case 'none':
    case 'diagonal':
      return -1;
    case 'flip':
    case 'general':
    case 'real':
      return kernel.target;
    case 'swap':
      return Math.max(kernel.a, kernel.b);
  }
}

type DiagonalKernel = Extract<Kernel, { kind: 'diagonal' }>;

/** Splits a group into single kernels and runs (arrays) of two or more diagonal kernels. */
function splitDiagonalRuns(group: readonly Kernel[]): Array<Kernel | DiagonalKernel[]> {
  const out: Array<Kernel | DiagonalKernel[]> = [];
  let run: DiagonalKernel[] = [];
  const end = (): void => {
    if (run.length === 1 && run[0] !== undefined) out.push(run[0]);
    else if (run.length > 1) out.push(run);
    run = [];
  };
  for (const kernel of group) {
    if (kernel.kind === 'diagonal') {
      run.push(kernel);
    } else {
      end();
      out.push(kernel);
    }
  }
  end();
  return out;
}

/**
 * A phase that is a constant times one factor per bit (one value when the bit is 1, another
 * when it is 0), accumulated gate by gate. Complex numbers are stored as re/im pairs.
 */
class PhaseFactors {
  private readonly one: Float64Array;
  private readonly zero: Float64Array;
  private cr = 1;
  private ci = 0;

  constructor(bits: number) {
    this.one = new Float64Array(2 * bits);
    this.zero = new Float64Array(2 * bits);
    for (let b = 0; b < bits; b++) {
      this.one[2 * b] = 1;
      this.zero[2 * b] = 1;
    }
  }

  /**
   * Folds in a diagonal gate as it acts on the aligned range [from, from + span) where bit
   * `split` (if not -1) equals `value`. False when what is left depends on two bits.
   */
  fold(k: DiagonalKernel, from: number, span: number, split: number, value: number): boolean {
    let controls = k.controls & (span - 1);
    const bit = 1 << k.target;
    let targetVaries = bit < span;
    let targetSet = (from & bit) !== 0;
    if (split >= 0) {
      const splitBit = 1 << split;
      if ((controls & splitBit) !== 0) {
        if (value === 0) return true;
        controls &= ~splitBit;
      }
      if (targetVaries && k.target === split) {
        targetVaries = false;
        targetSet = value === 1;
      }
    }
    if (targetVaries) {
      if (controls !== 0) return false;
      this.scale(this.zero, k.target, k.d0r, k.d0i);
      this.scale(this.one, k.target, k.d1r, k.d1i);
      return true;
    }
    const fr = targetSet ? k.d1r : k.d0r;
    const fi = targetSet ? k.d1i : k.d0i;
    if (controls === 0) {
      const r = this.cr * fr - this.ci * fi;
      this.ci = this.cr * fi + this.ci * fr;
      this.cr = r;
      return true;
    }
    if ((controls & (controls - 1)) !== 0) return false;
    this.scale(this.one, 31 - Math.clz32(controls), fr, fi);
    return true;
  }

  /** Entry x = Π over bits first..first+count-1 of the factor for bit b of x (times the constant if asked). */
  table(first: number, count: number, withConstant: boolean): Float64Array {
    const table = new Float64Array(2 << count);
    table[0] = withConstant ? this.cr : 1;
    table[1] = withConstant ? this.ci : 0;
    for (let b = 0; b < count; b++) {
      const size = 1 << b;
      const or = this.one[2 * (first + b)] ?? 0;
      const oi = this.one[2 * (first + b) + 1] ?? 0;
      const zr = this.zero[2 * (first + b)] ?? 0;
      const zi = this.zero[2 * (first + b) + 1] ?? 0;
      for (let x = 0; x < size; x++) {
        const r = table[2 * x] ?? 0;
        const m = table[2 * x + 1] ?? 0;
        table[2 * (x + size)] = r * or - m * oi;
        table[2 * (x + size) + 1] = r * oi + m * or;
        table[2 * x] = r * zr - m * zi;
        table[2 * x + 1] = r * zi + m * zr;
      }
    }
    return table;
  }

  private scale(factors: Float64Array, b: number, fr: number, fi: number): void {
    const r = factors[2 * b] ?? 0;
    const m = factors[2 * b + 1] ?? 0;
    factors[2 * b] = r * fr - m * fi;
    factors[2 * b + 1] = r * fi + m * fr;
  }
}

interface Layout {
  /** Bits set in every visited index: the range start and the controls that vary in it. */
  base: number;
  /** Number of indices to visit. */
  count: number;
  /** Bit positions where zeros are inserted into the loop counter, ascending, and their low masks. */
  p0: number;
  p1: number;
  p2: number;
  l0: number;
  l1: number;
  l2: number;
}

// Inserting a zero at bit 30 leaves any index below 2^30 unchanged, so unused insertion slots
// point here and the loops need no branch on how many positions there are.
const NO_POSITION = 30;

// Plans the enumeration of indices in the aligned range [from, to) whose `controls` bits are 1
// and whose `pair` bit (0 for none) is 0. Controls above the range size are the caller's to
// check (run() does); at most three positions are ever needed (ccx, cswap).
function layout(controls: number, pair: number, from: number, to: number): Layout {
  const span = to - from;
  const varying = controls & (span - 1);
  const positions: number[] = [];
  for (let bits = varying | pair, q = 0; bits !== 0; bits >>>= 1, q++) {
    if ((bits & 1) !== 0) positions.push(q);
  }
  const [p0 = NO_POSITION, p1 = NO_POSITION, p2 = NO_POSITION] = positions;
  return {
    base: from | varying,
    count: span >> positions.length,
    p0,
    p1,
    p2,
    l0: (1 << p0) - 1,
    l1: (1 << p1) - 1,
    l2: (1 << p2) - 1,
  };
}

// Gates that only mix amplitudes within aligned blocks of 2^14 (256 KB of state, which stays
// in a core's L2 cache) are applied block by block, all of them to one block before moving to
// the next: for a large state, one trip through memory instead of one per gate.
const BLOCK_QUBITS = 14;

/**
 * A state vector over `qubits` qubits, starting in |0...0>. Amplitude i belongs to the basis
 * state whose bit k is qubit k. The kernels walk index pairs (i, i | 1<<target) with plain
 * loops over the typed arrays: the work is memory-bound, so they avoid allocation and skip
 * amplitudes (and whole blocks) a gate leaves unchanged.
 */
export class StateVector {
  readonly qubits: number;
  readonly re: Float64Array;
  readonly im: Float64Array;

  constructor(qubits: number) {
    if (!Number.isInteger(qubits) || qubits < 1) throw new CircuitError('a circuit needs at least one qubit');
    if (qubits > MAX_SIMULATOR_QUBITS) {
      throw new CircuitError(
        `the local simulator runs at most ${MAX_SIMULATOR_QUBITS} qubits; this circuit has ${qubits}`,
      );
    }
    this.qubits = qubits;
    // Both parts are views into one allocation: with two separate 128 MB arrays, the kernels
    // ran 3-5x slower at 24 qubits on our 2-core test machine, even on a block held in cache.
    const dim = 2 ** qubits;
    const buffer = new ArrayBuffer(16 * dim);
    this.re = new Float64Array(buffer, 0, dim);
    this.im = new Float64Array(buffer, 8 * dim, dim);
    this.re[0] = 1;
  }

  /** Applies one gate with a full sweep over the state. */
  apply(op: GateOp): void {
    this.run(compile(op), 0, this.re.length);
  }

  /** Applies gates in order, grouping runs of cache-local gates into one sweep over the state. */
  applyAll(ops: readonly GateOp[]): void {
    const dim = this.re.length;
    const block = Math.min(dim, 2 ** BLOCK_QUBITS);
    let group: Kernel[] = [];
    const flush = (): void => {
      if (group.length === 1 && group[0] !== undefined) this.run(group[0], 0, dim);
      else if (group.length > 1) {
        const segments = splitDiagonalRuns(group);
        for (let from = 0; from < dim; from += block) {
          for (const segment of segments) {
            if (Array.isArray(segment)) {
              if (!this.phaseRun(segment, from, from + block)) {
                for (const kernel of segment) this.run(kernel, from, from + block);
              }
            } else {
              this.run(segment, from, from + block);
            }
          }
        }
      }
      group = [];
    };
    for (const op of ops) {
      const kernel = compile(op);
      if (kernel.kind === 'none') continue;
      if (2 ** pairingQubit(kernel) < block) {
        group.push(kernel);
      } else {
        flush();
        this.run(kernel, 0, dim);
      }
    }
    flush();
  }

  // Within one block, a run of diagonal gates multiplies amplitude i by a phase that is often
  // a product of one-bit factors: every gate depends on at most one bit that varies over the
  // block, or on two of which one (the "split" bit) is shared by all such gates, as in the
  // QFT's ladders cp(k, j). Then the phase is read from two small tables per value of the
  // split bit, and the whole run costs one sweep instead of one per gate.
  // Returns false, having changed nothing, when the run is not of that form here.
  private phaseRun(kernels: readonly DiagonalKernel[], from: number, to: number): boolean {
    const span = to - from;
    const bits = Math.round(Math.log2(span));
    const active: DiagonalKernel[] = [];
    let shared = span - 1;
    let needsSplit = false;
    for (const k of kernels) {
      const fixed = k.controls & ~(span - 1);
      if ((from & fixed) !== fixed) continue;
      active.push(k);
      const bit = 1 << k.target;
      const depends = (k.controls & (span - 1)) | (bit < span ? bit : 0);
      if ((depends & (depends - 1)) !== 0) {
        needsSplit = true;
        shared &= depends;
      }
    }
    if (needsSplit && shared === 0) return false;
    const split = needsSplit ? 31 - Math.clz32(shared & -shared) : -1;
    const branches = needsSplit ? 2 : 1;

    const lowBits = bits >> 1;
    const lowStride = 2 << lowBits;
    const highStride = 2 << (bits - lowBits);
    const low = new Float64Array(branches * lowStride);
    const high = new Float64Array(branches * highStride);
    for (let value = 0; value < branches; value++) {
      const factors = new PhaseFactors(bits);
      for (const k of active) {
        if (!factors.fold(k, from, span, split, value)) return false;
      }
      low.set(factors.table(0, lowBits, true), value * lowStride);
      high.set(factors.table(lowBits, bits - lowBits, false), value * highStride);
    }

    const lowMask = (1 << lowBits) - 1;
    const splitShift = Math.max(split, 0);
    const splitOne = needsSplit ? 1 : 0;
    const { re, im } = this;
    for (let i = from; i < to; i++) {
      const offset = i - from;
      const branch = (offset >> splitShift) & splitOne;
      const a = branch * lowStride + 2 * (offset & lowMask);
      const b = branch * highStride + 2 * (offset >> lowBits);
      const lr = low[a] ?? 0;
      const li = low[a + 1] ?? 0;
      const hr = high[b] ?? 0;
      const hi = high[b + 1] ?? 0;
      const pr = lr * hr - li * hi;
      const pi = lr * hi + li * hr;
      const r = re[i] ?? 0;
      const m = im[i] ?? 0;
      re[i] = pr * r - pi * m;
      im[i] = pr * m + pi * r;
    }
    return true;
  }

  // [from, to) is an aligned power-of-two range that holds every pair the kernel touches.
  private run(kernel: Kernel, from: number, to: number): void {
    if (kernel.kind === 'none') return;
    // Bits at or above the range size are the same for every index in it: when they leave a
    // control unset, the whole range is untouched.
    const fixed = kernel.controls & ~(to - from - 1);
    if ((from & fixed) !== fixed) return;
    switch (kernel.kind) {
      case 'diagonal':
        return this.diagonal(kernel, from, to);
      case 'flip':
        return this.flip(kernel.target, kernel.controls, from, to);
      case 'general':
        return this.general(kernel.target, kernel.controls, kernel.m, from, to);
      case 'real':
        return this.real(kernel, from, to);
      case 'swap':
        return this.swap(kernel.a, kernel.b, kernel.controls, from, to);
    }
  }

  // Each kernel enumerates, with one flat loop, the indices whose bits at `positions` are 0
  // (k with zeros inserted there), then sets the control bits: every iteration is useful work.
  // A flat loop keeps low targets as fast as high ones.
  private general(target: number, controls: number, m: Matrix2, from: number, to: number): void {
    const [m00r, m00i, m01r, m01i, m10r, m10i, m11r, m11i] = m;
    const { re, im } = this;
    const step = 1 << target;
    const { base, count, p0, p1, p2, l0, l1, l2 } = layout(controls, step, from, to);
    for (let k = 0; k < count; k++) {
      let i = ((k >> p0) << (p0 + 1)) | (k & l0);
      i = ((i >> p1) << (p1 + 1)) | (i & l1);
      i = ((i >> p2) << (p2 + 1)) | (i & l2);
      i |= base;
      const j = i | step;
      const ar = re[i] ?? 0;
      const ai = im[i] ?? 0;
      const br = re[j] ?? 0;
      const bi = im[j] ?? 0;
      re[i] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
      im[i] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
      re[j] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
      im[j] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
    }
  }

  // H, RY, CH, CRY: a real matrix needs half the arithmetic of a complex one.
  private real(kernel: Extract<Kernel, { kind: 'real' }>, from: number, to: number): void {
    const { a, b, c, d } = kernel;
    const { re, im } = this;
    const step = 1 << kernel.target;
    const { base, count, p0, p1, p2, l0, l1, l2 } = layout(kernel.controls, step, from, to);
    for (let k = 0; k < count; k++) {
      let i = ((k >> p0) << (p0 + 1)) | (k & l0);
      i = ((i >> p1) << (p1 + 1)) | (i & l1);
      i = ((i >> p2) << (p2 + 1)) | (i & l2);
      i |= base;
      const j = i | step;
      const ar = re[i] ?? 0;
      const ai = im[i] ?? 0;
      const br = re[j] ?? 0;
      const bi = im[j] ?? 0;
      re[i] = a * ar + b * br;
      im[i] = a * ai + b * bi;
      re[j] = c * ar + d * br;
      im[j] = c * ai + d * bi;
    }
  }

  // X, CX, CCX: exchange the two halves of each pair, no arithmetic.
  private flip(target: number, controls: number, from: number, to: number): void {
    const { re, im } = this;
    const step = 1 << target;
    const { base, count, p0, p1, p2, l0, l1, l2 } = layout(controls, step, from, to);
    for (let k = 0; k < count; k++) {
      let i = ((k >> p0) << (p0 + 1)) | (k & l0);
      i = ((i >> p1) << (p1 + 1)) | (i & l1);
      i = ((i >> p2) << (p2 + 1)) | (i & l2);
      i |= base;
      const j = i | step;
      const ar = re[i] ?? 0;
      const ai = im[i] ?? 0;
      re[i] = re[j] ?? 0;
      im[i] = im[j] ?? 0;
      re[j] = ar;
      im[j] = ai;
    }
  }

  // Z, S, T, P, RZ and their controlled forms multiply each amplitude by a phase and never
  // pair amplitudes, so any target works within any range. When |0> keeps its amplitude
  // (all but RZ), only indices with the target bit set are touched.
  private diagonal(kernel: DiagonalKernel, from: number, to: number): void {
    const { re, im } = this;
    const { controls, d0r, d0i, d1r, d1i } = kernel;
    const bit = 1 << kernel.target;
    const touchZero = d0r !== 1 || d0i !== 0;
    const targetFixed = bit >= to - from;
    if (targetFixed && (from & bit) === 0 && !touchZero) return;
    // With the target bit inside the range, walk the indices where it is 1; otherwise every
    // index of the range (where the target bit is whatever `from` says).
    const { base, count, p0, p1, p2, l0, l1, l2 } = layout(controls, targetFixed ? 0 : bit, from, to);
    const high = targetFixed ? base : base | bit;
    const one = !targetFixed || (from & bit) !== 0;
    const pr = one ? d1r : d0r;
    const pi = one ? d1i : d0i;
    const zeroToo = touchZero && !targetFixed;
    for (let k = 0; k < count; k++) {
      let i = ((k >> p0) << (p0 + 1)) | (k & l0);
      i = ((i >> p1) << (p1 + 1)) | (i & l1);
      i = ((i >> p2) << (p2 + 1)) | (i & l2);
      const j = i | high;
      const r = re[j] ?? 0;
      const m = im[j] ?? 0;
      re[j] = pr * r - pi * m;
      im[j] = pr * m + pi * r;
      if (zeroToo) {
        const z = i | base;
        const zr = re[z] ?? 0;
        const zi = im[z] ?? 0;
        re[z] = d0r * zr - d0i * zi;
        im[z] = d0r * zi + d0i * zr;
      }
    }
  }

  private swap(a: number, b: number, controls: number, from: number, to: number): void {
    const { re, im } = this;
    const bitA = 1 << a;
    const bitB = 1 << b;
    // Pairs |..a=1,b=0..> and |..a=0,b=1..>: zeros inserted at a, b and the controls.
    const { base, count, p0, p1, p2, l0, l1, l2 } = layout(controls | bitB, bitA, from, to);
    const fromBase = base & ~bitB;
    for (let k = 0; k < count; k++) {
      let i = ((k >> p0) << (p0 + 1)) | (k & l0);
      i = ((i >> p1) << (p1 + 1)) | (i & l1);
      i = ((i >> p2) << (p2 + 1)) | (i & l2);
      i |= fromBase;
      const x = i | bitA;
      const y = i | bitB;
      const xr = re[x] ?? 0;
      const xi = im[x] ?? 0;
      re[x] = re[y] ?? 0;
      im[x] = im[y] ?? 0;
      re[y] = xr;
      im[y] = xi;
    }
  }

  /** |amplitude|^2 for every basis state. */
  probabilities(): Float64Array {
    const { re, im } = this;
    const out = new Float64Array(re.length);
    for (let i = 0; i < out.length; i++) {
      const r = re[i] ?? 0;
      const m = im[i] ?? 0;
      out[i] = r * r + m * m;
    }
    return out;
  }
}

/**
 * Runs every gate of the circuit and returns the final state. Measurements must come last
 * (nothing here can collapse the state mid-way), so they are checked and then left to sampling.
 */
export function simulate(circuit: Circuit): StateVector {
  validateCircuit(circuit);
  assertTerminalMeasurements(circuit);
  const state = new StateVector(circuit.qubits);
  state.applyAll(circuit.ops.flatMap((op) => (op.kind === 'gate' ? [op] : [])));
  return state;
}

// ---------------------------------------------------------------------------------------
// Sampling

/** xoshiro128** seeded through splitmix32: small, fast, and the same stream for the same seed. */
export function createRng(seed: number): () => number {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  // 53 random bits, so that outcomes with tiny probabilities among 2^24 are still reachable.
  return () => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
}

export interface RunOptions {
  shots: number;
  /** A 32-bit unsigned integer; the same seed gives the same counts. Random when absent. */
  seed?: number;
  /** Also return the outcome of every shot, in order. */
  memory?: boolean;
}

export interface RunResult {
  /** Outcome → number of shots. Keys are written like Qiskit's: classical bit 0 is the rightmost character. */
  counts: Record<string, number>;
  memory?: string[];
  /** The seed that was used, so that a run with a random seed can be repeated. */
  seed: number;
}

/**
 * Simulates the circuit and samples `shots` outcomes from its final state. A circuit without
 * any measurement is read as measuring every qubit at the end into bits in order (qubit k into
 * bit k), as IonQ and most cloud providers do; its outcomes then have one bit per qubit.
 */
export function runCircuit(circuit: Circuit, options: RunOptions): RunResult {
  const { shots } = options;
  if (!Number.isInteger(shots) || shots < 1 || shots > MAX_SHOTS) {
    throw new CircuitError(`shots must be an integer from 1 to ${MAX_SHOTS}, got ${shots}`);
  }
  const seed = options.seed ?? randomInt(0x1_0000_0000);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new CircuitError(`seed must be an integer from 0 to ${0xffff_ffff}, got ${seed}`);
  }

  const state = simulate(circuit);
  const explicit = circuit.ops.flatMap((op) => (op.kind === 'measure' ? [op] : []));
  const measurements =
    explicit.length > 0
      ? explicit
      : Array.from({ length: circuit.qubits }, (_, q) => ({ kind: 'measure' as const, qubit: q, clbit: q }));
  const width = explicit.length > 0 ? circuit.clbits : circuit.qubits;

  const measuredQubits = [...new Set(measurements.map((m) => m.qubit))].sort((x, y) => x - y);
  const cumulative = marginalCdf(state, measuredQubits);
  const total = cumulative[cumulative.length - 1] ?? 1;

  // Where each measured qubit's bit sits in a marginal outcome index.
  const rank = new Map(measuredQubits.map((q, i) => [q, i]));
  const plan = measurements.map((m) => ({ shift: rank.get(m.qubit) ?? 0, char: width - 1 - m.clbit }));
  const keys = new Map<number, string>();
  const keyOf = (outcome: number): string => {
    let key = keys.get(outcome);
    if (key === undefined) {
      const chars: string[] = Array.from({ length: width }, () => '0');
      // In order, so that a later measurement into the same bit wins.
      for (const { shift, char } of plan) chars[char] = (outcome >> shift) & 1 ? '1' : '0';
      key = chars.join('');
      keys.set(outcome, key);
    }
    return key;
  };

  const random = createRng(seed);
  const tally = new Map<string, number>();
  const memory: string[] | undefined = options.memory === true ? [] : undefined;
  const last = cumulative.length - 1;
  for (let shot = 0; shot < shots; shot++) {
    const r = random() * total;
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    const key = keyOf(lo);
    tally.set(key, (tally.get(key) ?? 0) + 1);
    memory?.push(key);
  }
  const counts = Object.fromEntries([...tally].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return memory === undefined ? { counts, seed } : { counts, memory, seed };
}

/**
 * The cumulative distribution over the measured qubits (bit j of an index = the j-th smallest
 * measured qubit). It is built in the state's own `re` array, which sampling no longer needs,
 * so a 24-qubit run does not allocate another 128 MB.
 */
function marginalCdf(state: StateVector, measuredQubits: number[]): Float64Array {
  const { re, im } = state;
  for (let i = 0; i < re.length; i++) {
    const r = re[i] ?? 0;
    const m = im[i] ?? 0;
    re[i] = r * r + m * m;
  }
  // Sum out each unmeasured qubit, highest first so lower bit positions stay valid. Reading
  // index i0 >= k while writing index k never reads a slot this pass already overwrote.
  const measured = new Set(measuredQubits);
  let length = re.length;
  for (let q = state.qubits - 1; q >= 0; q--) {
    if (measured.has(q)) continue;
    length >>= 1;
    const low = (1 << q) - 1;
    const bit = 1 << q;
    for (let k = 0; k < length; k++) {
      const i0 = ((k >> q) << (q + 1)) | (k & low);
      re[k] = (re[i0] ?? 0) + (re[i0 | bit] ?? 0);
    }
  }
  const cdf = re.subarray(0, length);
  let sum = 0;
  for (let i = 0; i < cdf.length; i++) {
    sum += cdf[i] ?? 0;
    cdf[i] = sum;
  }
  return cdf;
}
