// Circuits and the local simulator (backend local.simulator).
export { SUPPORTED_GATES, GATE_SPECS, CircuitError, isGateName, validateCircuit, assertTerminalMeasurements } from './simulator/circuit';
export type { Circuit, Op, GateOp, MeasureOp, BarrierOp, GateName, GateSpec } from './simulator/circuit';
export { parseQasm, QasmError } from './simulator/qasm-parser';
export type { ParseQasmOptions } from './simulator/qasm-parser';
export { fromIonqCircuit, toIonqCircuit, toQasm3 } from './simulator/ionq-circuit';
export type { IonqCircuit, IonqGate } from './simulator/ionq-circuit';
export { runCircuit, simulate, StateVector, MAX_SIMULATOR_QUBITS, MAX_SHOTS } from './simulator/statevector';
export type { RunOptions, RunResult } from './simulator/statevector';
export {
  MAX_PROGRAM_BYTES,
  MAX_TOKENS,
  MAX_EXPANSION_STEPS,
  MAX_OPERATIONS,
  MAX_EXPRESSION_DEPTH,
  MAX_GATE_NESTING,
  MAX_DECLARED_QUBITS,
  MAX_DECLARED_BITS,
  MAX_IONQ_QUBITS,
  MAX_IONQ_GATES,
  MAX_IONQ_JSON_DEPTH,
  MAX_SIMULATION_WORK,
  QASM_LIMITS,
  simulationCost,
  assertSimulationBudget,
  simulationBudgetProblem,
} from './simulator/limits';
export type { QasmLimits } from './simulator/limits';

// Provider catalog, provider URLs and provider adapters.
export {
  PROVIDER_IDS,
  PROVIDER_CATALOG,
  isProviderId,
  providerById,
  providerByPlanqkName,
  validateCredential,
  maskCredential,
} from './providers/catalog';
export type { ProviderId, PlanqkProviderName, ProviderInfo, CredentialField, CredentialValidation } from './providers/catalog';
export {
  providerUrlsFromEnv,
  providerBaseUrl,
  braketUrl,
  s3ObjectUrl,
  joinUrl,
  envVariableFor,
  ProviderUrlError,
  DEFAULT_IBM_IAM_URL,
} from './providers/base-urls';
export type { ProviderUrls } from './providers/base-urls';
export { ProviderError } from './adapters/types';
export type {
  AdapterContext,
  Credential,
  VerifyResult,
  ProviderJobSpec,
  ProviderJobState,
  ProviderAdapter,
  JobAdapter,
  ProxyRequest,
  ProviderErrorKind,
} from './adapters/types';
export { adapterFor, createAdapterRegistry } from './adapters/registry';
export type { AdapterRegistry } from './adapters/registry';

// The backends jobs run on.
export { BACKENDS, backendById } from './backends/catalog';
export type { BackendInfo, BackendProvider, InputFormatName } from './backends/catalog';
export { isPlanqkInputFormat, planqkInputFormats, planqkGateNames, drivableByPlanqkQiskit } from './backends/planqk';
