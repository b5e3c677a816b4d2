import type { InputFormat, JobStatus, Role, Scope } from '@qonduit/contract';

// The contract's value lists, restated from its types so that the SDK loads no schema library
// at run time (a CLI start stays fast, a web bundle small). Each Record must name every member
// of the contract's union and nothing else, so a change there fails the type check here.

const scopes: Record<Scope, true> = { api: true, read_api: true, quantum_tokens: true };
const roles: Record<Role, true> = { owner: true, maintainer: true, viewer: true };
const inputFormats: Record<InputFormat, true> = { OPEN_QASM_V3: true, OPEN_QASM_V2: true, IONQ_CIRCUIT_V1: true, BRAKET_OPEN_QASM_V3: true };
const jobStatuses: Record<JobStatus, true> = { PENDING: true, RUNNING: true, COMPLETED: true, FAILED: true, CANCELLING: true, CANCELLED: true };

export const SCOPES = Object.keys(scopes) as Scope[];
export const ROLES = Object.keys(roles) as Role[];
export const INPUT_FORMATS = Object.keys(inputFormats) as InputFormat[];
export const JOB_STATUSES = Object.keys(jobStatuses) as JobStatus[];

export function isScope(value: string): value is Scope {
  return Object.hasOwn(scopes, value);
}
