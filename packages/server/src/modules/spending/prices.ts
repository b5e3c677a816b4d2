import { BACKENDS, backendById } from '@qonduit/runtime';

// What a job costs, per backend: a price per task (job) and per shot, in US dollars, from each
// provider's published pricing, with the date they were taken. The operator may replace any of
// them (QONDUIT_PRICES_FILE or QONDUIT_PRICES, see loadConfig), e.g. for a negotiated contract.
//
// How each provider bills and how the estimate follows from it:
// - Amazon Braket (https://aws.amazon.com/braket/pricing/): every QPU task costs $0.30 plus a
//   price per shot that depends on the device (IonQ Aria $0.03, IonQ Forte $0.08, IQM Garnet
//   $0.00145). The SV1 simulator is billed by the minute ($0.075/min, per millisecond, with a
//   3-second minimum): we estimate the minimum, $0.00375 per task; a long simulation costs more.
// - IonQ bills its QPUs directly by contract; we use the public price of the same device on
//   Amazon Braket. IonQ's cloud simulator is free.
// - IBM Quantum's Pay-As-You-Go plan bills QPU time, not shots ($96 per minute, i.e. $1.60 per
//   second). We estimate 2 s per job (loading, compiling, readout) plus 250 µs per shot (IBM's
//   default repetition delay and a short circuit): $3.20 per task and $0.0004 per shot. Deep
//   circuits take longer per shot; the bill is what IBM measured.
// - IQM Garnet: the published Amazon Braket price of the same device (IQM Resonance sells
//   credits by contract).
// - AQT's cloud simulators are free of charge.
// The local simulator runs inside Qonduit and costs nothing: it has no entry.

/** The date the built-in prices were taken from the providers' pricing pages. */
export const DEFAULT_PRICES_AS_OF = '2026-11-29';

export interface BackendPrice {
  /** US dollars per task (one job). */
  readonly per_task: number;
  /** US dollars per shot. */
  readonly per_shot: number;
  /** How the provider bills and how the estimate follows from it. */
  readonly basis: string;
}

export interface PriceTable {
  /** YYYY-MM-DD: when the prices were taken. */
  readonly as_of: string;
  readonly backends: Readonly<Record<string, BackendPrice>>;
}

const BRAKET_QPU = 'Amazon Braket on-demand pricing: $0.30 per task plus a price per shot';

export const DEFAULT_PRICES: PriceTable = Object.freeze({
  as_of: DEFAULT_PRICES_AS_OF,
  backends: Object.freeze({
    'ionq.simulator': { per_task: 0, per_shot: 0, basis: "IonQ's cloud simulator is free of charge" },
    'ionq.qpu.aria-1': {
      per_task: 0.3,
      per_shot: 0.03,
      basis: `${BRAKET_QPU} ($0.03 for IonQ Aria); IonQ's own pricing is by contract`,
    },
    'ibm.brisbane': {
      per_task: 3.2,
      per_shot: 0.0004,
      basis:
        'IBM Quantum Pay-As-You-Go bills QPU time ($96/min); estimated as 2 s per job plus 250 µs per shot',
    },
    'aws.sv1': {
      per_task: 0.00375,
      per_shot: 0,
      basis: 'Amazon Braket SV1 bills $0.075 per minute with a 3-second minimum; the estimate is the minimum',
    },
    'aqt.simulator': { per_task: 0, per_shot: 0, basis: "AQT's cloud simulators are free of charge" },
    'iqm.garnet': { per_task: 0.3, per_shot: 0.00145, basis: `${BRAKET_QPU} ($0.00145 for IQM Garnet)` },
  }),
});

/** Whole micro-dollars: what is counted and stored, so that sums are exact. */
export const MICRO = 1_000_000;

export function toMicro(usd: number): number {
  return Math.round(usd * MICRO);
}

export function fromMicro(micro: number): number {
  return micro / MICRO;
}

export interface Estimate {
  micro: number;
  price: BackendPrice;
  as_of: string;
}

/** The estimated cost of a job, or null for a backend without a price (the local simulator). */
export function estimateCost(table: PriceTable, backendId: string, shots: number): Estimate | null {
  const price = table.backends[backendId];
  if (!price) return null;
  return {
    micro: Math.round(toMicro(price.per_task) + price.per_shot * MICRO * shots),
    price,
    as_of: table.as_of,
  };
}

/** Why an operator's price table cannot be used, or the table merged over the built-in one. */
export function parsePriceTable(
  raw: unknown,
): { ok: true; table: PriceTable } | { ok: false; problem: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, problem: 'expected a JSON object {"as_of": "YYYY-MM-DD", "backends": {...}}' };
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!['as_of', 'currency', 'backends'].includes(key))
      return {
        ok: false,
        problem: `unknown field "${key.slice(0, 40)}" (expected as_of, currency, backends)`,
      };
  }
  if (input.currency !== undefined && input.currency !== 'USD')
    return { ok: false, problem: 'currency must be USD (every price and limit is in US dollars)' };
  const asOf = input.as_of;
  if (
    typeof asOf !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(asOf) ||
    Number.isNaN(Date.parse(`${asOf}T00:00:00Z`))
  ) {
    return { ok: false, problem: 'as_of must be the date the prices were taken, YYYY-MM-DD' };
  }
  const backends = input.backends;
  if (typeof backends !== 'object' || backends === null || Array.isArray(backends))
    return { ok: false, problem: 'backends must be an object keyed by backend id' };
  const merged: Record<string, BackendPrice> = { ...DEFAULT_PRICES.backends };
  const entries = Object.entries(backends as Record<string, unknown>);
  if (entries.length > BACKENDS.length) return { ok: false, problem: `at most ${BACKENDS.length} backends` };
  for (const [id, value] of entries) {
    const backend = backendById(id);
    if (!backend)
      return {
        ok: false,
        problem: `there is no backend "${id.slice(0, 60)}" (GET /quantum/backends lists them)`,
      };
    if (backend.provider === 'local')
      return { ok: false, problem: 'local.simulator costs nothing and takes no price' };
    if (value === null) {
      delete merged[id];
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value))
      return {
        ok: false,
        problem: `backends.${id} must be {"per_task": dollars, "per_shot": dollars, "basis"?: text} or null`,
      };
    const v = value as Record<string, unknown>;
    for (const key of Object.keys(v)) {
      if (!['per_task', 'per_shot', 'basis'].includes(key))
        return { ok: false, problem: `backends.${id}: unknown field "${key.slice(0, 40)}"` };
    }
    for (const key of ['per_task', 'per_shot'] as const) {
      const n = v[key];
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 1_000_000)
        return {
          ok: false,
          problem: `backends.${id}.${key} must be a number of US dollars from 0 to 1000000`,
        };
    }
    if (v.basis !== undefined && (typeof v.basis !== 'string' || v.basis.length > 300))
      return { ok: false, problem: `backends.${id}.basis must be text of at most 300 characters` };
    merged[id] = {
      per_task: v.per_task as number,
      per_shot: v.per_shot as number,
      basis: typeof v.basis === 'string' ? v.basis : "the operator's price table",
    };
  }
  return { ok: true, table: Object.freeze({ as_of: asOf, backends: Object.freeze(merged) }) };
}
