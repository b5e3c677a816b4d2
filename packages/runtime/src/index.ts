// Circuits and the local simulator (backend local.simulator).
export { SUPPORTED_GATES, GATE_SPECS, CircuitError, isGateName, validateCircuit, assertTerminalMeasurements } from './simulator/circuit';
export type { Circuit, Op, GateOp, MeasureOp, BarrierOp, GateName, GateSpec } from './simulator/circuit';
export { parseQasm, QasmError } from './simulator/qasm-parser';
export type { ParseQasmOptions } from './simulator/qasm-parser';
export { fromIonqCircuit, toIonqCircuit, toQasm3 } from './simulator/ionq-circuit';
export type { IonqCircuit, IonqGate } from './simulator/ionq-circuit';
export { runCircuit, simulate, StateVector, MAX_SIMULATOR_QUBITS, MAX_SHOTS } from './simulator/statevector';
export type { RunOptions, RunResult } from './simulator/statevector';
