import type { ProviderId } from '../providers/catalog';
import type { PlanqkHardwareProvider, PlanqkSdkProvider } from '@qonduit/contract';
import { SUPPORTED_GATES } from '../simulator/circuit';
import { MAX_SIMULATOR_QUBITS } from '../simulator/statevector';

// The backends Qonduit offers, in PlanQK's shape. A fixed list: each entry names the provider
// whose token runs it, the provider-side device, and what it accepts, so that a circuit it
// cannot take is refused at submission rather than after a round trip to the provider.

export type BackendProvider = ProviderId | 'local';
export type InputFormatName = 'OPEN_QASM_V3' | 'OPEN_QASM_V2' | 'IONQ_CIRCUIT_V1' | 'BRAKET_OPEN_QASM_V3';

export interface BackendInfo {
  id: string;
  provider: BackendProvider;
  /**
   * How PlanQK's SDK sees the backend (README, PlanQK compatibility): the SDK family whose
   * backend class can drive it, and the hardware maker where the SDK's enum names it.
   */
  planqk_provider: PlanqkSdkProvider;
  hardware_provider: PlanqkHardwareProvider;
  name: string;
  /** The provider-side device the adapter submits to. */
  device: string;
  type: 'QPU' | 'SIMULATOR' | 'ANNEALER';
  qubit_count: number;
  native_gates: readonly string[];
  shots: { min: number; max: number };
  input_formats: readonly InputFormatName[];
  description: string;
  url: string;
  location: string;
  fully_connected: boolean;
  /** Runs through Qonduit's job API; annealers are reached through the provider proxy instead. */
  jobs: boolean;
}

const ALL_FORMATS: readonly InputFormatName[] = ['OPEN_QASM_V3', 'OPEN_QASM_V2', 'IONQ_CIRCUIT_V1', 'BRAKET_OPEN_QASM_V3'];

export const BACKENDS: readonly BackendInfo[] = [
  {
    id: 'local.simulator',
    provider: 'local',
    planqk_provider: 'AWS',
    hardware_provider: 'UNKNOWN',
    name: 'Local state-vector simulator',
    device: 'statevector',
    type: 'SIMULATOR',
    qubit_count: MAX_SIMULATOR_QUBITS,
    native_gates: SUPPORTED_GATES,
    shots: { min: 1, max: 100_000 },
    input_formats: ALL_FORMATS,
    description: "Qonduit's built-in state-vector simulator; needs no provider token.",
    url: 'https://github.com/qonduit',
    location: 'this server',
    fully_connected: true,
    jobs: true,
  },
  {
    id: 'ionq.simulator',
    provider: 'ionq',
    planqk_provider: 'AZURE',
    hardware_provider: 'IONQ',
    name: 'IonQ cloud simulator',
    device: 'simulator',
    type: 'SIMULATOR',
    qubit_count: 29,
    native_gates: ['gpi', 'gpi2', 'ms', 'zz'],
    shots: { min: 1, max: 100_000 },
    input_formats: ALL_FORMATS,
    description: "IonQ's ideal simulator of its trapped-ion systems.",
    url: 'https://docs.ionq.com/',
    location: 'IonQ cloud',
    fully_connected: true,
    jobs: true,
  },
  {
    id: 'ionq.qpu.aria-1',
    provider: 'ionq',
    planqk_provider: 'AZURE',
    hardware_provider: 'IONQ',
    name: 'IonQ Aria 1',
    device: 'qpu.aria-1',
    type: 'QPU',
    qubit_count: 25,
    native_gates: ['gpi', 'gpi2', 'ms'],
    shots: { min: 1, max: 10_000 },
    input_formats: ALL_FORMATS,
    description: 'A 25-qubit trapped-ion quantum computer.',
    url: 'https://ionq.com/quantum-systems/aria',
    location: 'College Park, MD, USA',
    fully_connected: true,
    jobs: true,
  },
  {
    id: 'ibm.brisbane',
    provider: 'ibm',
    planqk_provider: 'IBM',
    hardware_provider: 'IBM',
    name: 'ibm_brisbane',
    device: 'ibm_brisbane',
    type: 'QPU',
    qubit_count: 127,
    native_gates: ['ecr', 'id', 'rz', 'sx', 'x'],
    shots: { min: 1, max: 100_000 },
    input_formats: ['OPEN_QASM_V3', 'OPEN_QASM_V2'],
    description: 'An IBM Eagle superconducting processor, through Qiskit Runtime (Sampler).',
    url: 'https://quantum.cloud.ibm.com/computers',
    location: 'IBM Quantum Platform',
    fully_connected: false,
    jobs: true,
  },
  {
    id: 'aws.sv1',
    provider: 'aws_braket',
    planqk_provider: 'AWS',
    hardware_provider: 'AWS',
    name: 'Amazon Braket SV1',
    device: 'arn:aws:braket:::device/quantum-simulator/amazon/sv1',
    type: 'SIMULATOR',
    qubit_count: 34,
    native_gates: SUPPORTED_GATES,
    shots: { min: 1, max: 100_000 },
    input_formats: ['BRAKET_OPEN_QASM_V3', 'OPEN_QASM_V3', 'OPEN_QASM_V2'],
    description: "Amazon Braket's managed state-vector simulator.",
    url: 'https://aws.amazon.com/braket/',
    location: 'AWS',
    fully_connected: true,
    jobs: true,
  },
  {
    id: 'aqt.simulator',
    provider: 'aqt',
    planqk_provider: 'AZURE',
    hardware_provider: 'UNKNOWN',
    name: 'AQT cloud simulator',
    device: 'default/simulator_noise',
    type: 'SIMULATOR',
    qubit_count: 20,
    native_gates: ['r', 'rz', 'rxx'],
    shots: { min: 1, max: 2000 },
    input_formats: ['OPEN_QASM_V3', 'OPEN_QASM_V2', 'IONQ_CIRCUIT_V1'],
    description: "AQT's cloud simulator of its trapped-ion systems, with their noise model.",
    url: 'https://www.aqt.eu/',
    location: 'AQT cloud (ARNICA)',
    fully_connected: true,
    jobs: true,
  },
  {
    id: 'iqm.garnet',
    provider: 'iqm',
    planqk_provider: 'AWS',
    hardware_provider: 'UNKNOWN',
    name: 'IQM Garnet',
    device: 'garnet',
    type: 'QPU',
    qubit_count: 20,
    native_gates: ['prx', 'cz'],
    shots: { min: 1, max: 100_000 },
    input_formats: ['BRAKET_OPEN_QASM_V3', 'OPEN_QASM_V3', 'OPEN_QASM_V2'],
    description: 'A 20-qubit superconducting processor (square lattice).',
    url: 'https://meetiqm.com/',
    location: 'IQM Resonance',
    fully_connected: false,
    jobs: true,
  },
  {
    id: 'dwave.advantage',
    provider: 'dwave',
    planqk_provider: 'DWAVE',
    hardware_provider: 'DWAVE',
    name: 'D-Wave Advantage',
    device: 'Advantage_system4.1',
    type: 'ANNEALER',
    qubit_count: 5000,
    native_gates: [],
    shots: { min: 1, max: 10_000 },
    input_formats: [],
    description: "A quantum annealer; use D-Wave's Ocean SDK with Qonduit's provider proxy as its endpoint.",
    url: 'https://docs.dwavequantum.com/',
    location: 'D-Wave Leap',
    fully_connected: false,
    jobs: false,
  },
];

const BY_ID: ReadonlyMap<string, BackendInfo> = new Map(BACKENDS.map((b) => [b.id, b]));

export function backendById(id: string): BackendInfo | undefined {
  return BY_ID.get(id);
}
