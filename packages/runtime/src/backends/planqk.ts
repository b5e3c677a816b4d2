import { PLANQK_INPUT_FORMATS } from '@qonduit/contract';
import type { PlanqkInputFormat, PlanqkSdkProvider } from '@qonduit/contract';
import type { BackendInfo, InputFormatName } from './catalog';

// How PlanQK's quantum SDK (planqk-quantum 2.x, pydantic DTOs in planqk/qiskit/client/
// backend_dtos.py and job_dtos.py) sees our backends. Its enums are closed: a value outside
// them makes `BackendDto(**item)` or `JobDto(**item)` raise, so every backend is projected
// into the family whose backend class can drive it. The table is in the README (PlanQK
// compatibility); our own provider id travels beside it in the `qonduit` field.

/** A format both we and PlanQK's SDK have a name for. */
export type SharedInputFormat = InputFormatName & PlanqkInputFormat;

export function isPlanqkInputFormat(format: InputFormatName): format is SharedInputFormat {
  return (PLANQK_INPUT_FORMATS as readonly string[]).includes(format);
}

// The SDK converts a circuit into the first of `supported_input_formats` it knows, so each
// family lists the format its backend class sends first: AWS sends Braket's OpenQASM 3,
// AZURE (PlanQK's IonQ route) sends IonQ's JSON circuit.
const FORMAT_PREFERENCE: Readonly<Partial<Record<PlanqkSdkProvider, readonly SharedInputFormat[]>>> = {
  AWS: ['BRAKET_OPEN_QASM_V3', 'OPEN_QASM_V3', 'IONQ_CIRCUIT_V1'],
  AZURE: ['IONQ_CIRCUIT_V1', 'OPEN_QASM_V3', 'BRAKET_OPEN_QASM_V3'],
};
const DEFAULT_PREFERENCE: readonly SharedInputFormat[] = ['OPEN_QASM_V3', 'BRAKET_OPEN_QASM_V3', 'IONQ_CIRCUIT_V1'];

/** The backend's input formats as the SDK may read them, in the order it should pick them. */
export function planqkInputFormats(b: BackendInfo): SharedInputFormat[] {
  const preference = FORMAT_PREFERENCE[b.planqk_provider] ?? DEFAULT_PREFERENCE;
  return preference.filter((f) => b.input_formats.includes(f));
}

// The SDK's AWS adapter builds its Qiskit target from Braket's gate names and skips names it
// does not know, so AWS-family backends list their gates under Braket's names.
const BRAKET_GATE_NAMES: Readonly<Record<string, string>> = {
  id: 'i',
  sdg: 'si',
  tdg: 'ti',
  sx: 'v',
  sxdg: 'vi',
  p: 'phaseshift',
  cx: 'cnot',
  cp: 'cphaseshift',
  ccx: 'ccnot',
};
// Ours with no Braket counterpart: left out rather than shown under a name the SDK misreads.
const NOT_IN_BRAKET = new Set(['u1', 'u2', 'u3', 'u', 'ch', 'crx', 'cry', 'crz']);

/** The backend's native gates under the names the SDK's adapter for its family reads. */
export function planqkGateNames(b: BackendInfo): string[] {
  if (b.planqk_provider !== 'AWS') return [...b.native_gates];
  return b.native_gates.filter((g) => !NOT_IN_BRAKET.has(g)).map((g) => BRAKET_GATE_NAMES[g] ?? g);
}

/**
 * Whether PlanQK's Qiskit SDK can run jobs on the backend (`?onlyQiskit=true`): its AWS and
 * AZURE backend classes send formats we take; its IBM class sends Qiskit's own serialisation,
 * which Qonduit does not read, and annealers take no circuits.
 */
export function drivableByPlanqkQiskit(b: BackendInfo): boolean {
  return b.jobs && (b.planqk_provider === 'AWS' || b.planqk_provider === 'AZURE') && planqkInputFormats(b).length > 0;
}
