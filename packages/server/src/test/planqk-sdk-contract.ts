import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

// What PlanQK's quantum SDK accepts, written down from its public source so that our suite
// fails when a /quantum answer would make the SDK raise. Source: PlanQK/planqk-quantum 2.x,
// planqk/qiskit/client/backend_dtos.py (BackendDto, ConfigurationDto, BackendStateInfosDto)
// and job_dtos.py (JobDto, JOB_STATUS, INPUT_FORMAT), pydantic BaseModels. The enums are the
// intersection over the 2.x releases (DESIGN.md, wire contract), so that no 2.x SDK refuses
// us; `hardware_provider` and `configuration` are optional in the DTO but the SDK formats
// `hardware_provider.name` and reads `configuration.shots_range.min`, so they are required
// here. Pydantic ignores fields it does not declare (our `access_type`, `qonduit`), so extra
// properties are allowed; pydantic v2 does not turn numbers into strings, so types are exact.

const PROVIDER = ['AZURE', 'AWS', 'DWAVE', 'IBM', 'IBM_CLOUD', 'TSYSTEMS', 'QRYD', 'UNKNOWN'];
const HARDWARE_PROVIDER = ['IONQ', 'RIGETTI', 'OQC', 'AWS', 'AZURE', 'IBM', 'QRYD', 'DWAVE', 'UNKNOWN'];
const INPUT_FORMAT = ['BRAKET_OPEN_QASM_V3', 'OPEN_QASM_V3', 'IONQ_CIRCUIT_V1', 'QISKIT', 'QOQO'];
const TYPE = ['QPU', 'SIMULATOR', 'ANNEALER', 'UNKNOWN'];
const STATUS = ['UNKNOWN', 'ONLINE', 'PAUSED', 'OFFLINE', 'RETIRED'];
const JOB_STATUS = ['CREATED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED', 'UNKNOWN'];

const optional = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });
const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };

const backendDto = {
  type: 'object',
  required: ['id', 'provider', 'hardware_provider', 'configuration'],
  properties: {
    id: str,
    provider: { enum: PROVIDER },
    internal_id: optional(str),
    hardware_provider: { enum: HARDWARE_PROVIDER },
    name: optional(str),
    documentation: optional({
      type: 'object',
      properties: { description: optional(str), url: optional(str), location: optional(str) },
    }),
    configuration: {
      type: 'object',
      required: ['gates', 'instructions', 'qubits', 'qubit_count', 'connectivity', 'supported_input_formats', 'shots_range'],
      properties: {
        gates: { type: 'array', items: { type: 'object', required: ['name', 'native_gate'], properties: { name: str, native_gate: bool } } },
        instructions: { type: 'array', items: str },
        qubits: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: str } } },
        qubit_count: int,
        connectivity: {
          type: 'object',
          required: ['fully_connected'],
          properties: { fully_connected: bool, graph: optional({ type: 'object', additionalProperties: { type: 'array', items: str } }) },
        },
        supported_input_formats: { type: 'array', items: { enum: INPUT_FORMAT } },
        shots_range: { type: 'object', required: ['min', 'max'], properties: { min: int, max: int } },
        memory_result_supported: optional(bool),
      },
    },
    type: optional({ enum: TYPE }),
    status: optional({ enum: STATUS }),
    updated_at: optional(str),
    avg_queue_time: optional(int),
  },
};

const backendStateInfosDto = {
  type: 'object',
  required: ['status'],
  properties: { status: { enum: STATUS }, queue_avg_time: optional(int), queue_size: optional(int), provider_token_valid: optional(bool) },
};

const jobDto = {
  type: 'object',
  required: ['provider'],
  properties: {
    provider: str,
    shots: int,
    backend_id: optional(str),
    id: optional(str),
    session_id: optional(str),
    input: optional({ anyOf: [str, { type: 'object' }] }),
    input_format: optional({ enum: INPUT_FORMAT }),
    input_params: optional({ type: 'object' }),
    begin_execution_time: optional(str),
    cancellation_time: optional(str),
    creation_time: optional(str),
    end_execution_time: optional(str),
    error_data: optional({ type: 'object' }),
    metadata: optional({ type: 'object', additionalProperties: str }),
    name: optional(str),
    status: optional({ enum: JOB_STATUS }),
    tags: optional({ type: 'array', items: str, uniqueItems: true }),
  },
};

// JobResultDto.from_dict refuses any count or memory entry that is not a bitstring.
const bitstring = { type: 'string', pattern: '^[01]+$' };
const jobResultDto = {
  type: 'object',
  required: ['counts'],
  properties: {
    counts: { type: 'object', propertyNames: bitstring, additionalProperties: int },
    memory: { type: 'array', items: bitstring },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators: Record<string, ValidateFunction> = {
  backends: ajv.compile({ type: 'array', items: backendDto }),
  backend: ajv.compile(backendDto),
  backendStatus: ajv.compile(backendStateInfosDto),
  jobs: ajv.compile({
    anyOf: [
      { type: 'array', items: jobDto },
      { type: 'object', required: ['content', 'last'], properties: { content: { type: 'array', items: jobDto }, last: bool } },
    ],
  }),
  job: ajv.compile(jobDto),
  jobStatus: ajv.compile({ type: 'object', required: ['status'], properties: { status: { enum: JOB_STATUS } } }),
  jobResult: ajv.compile(jobResultDto),
};

/** Which SDK DTO reads a successful answer of this /quantum route, or null for none. */
export function planqkDtoFor(method: string, path: string): keyof typeof validators | null {
  const parts = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  if (parts[0] !== 'quantum') return null;
  const [, kind, id, sub] = parts;
  if (method === 'GET' && kind === 'backends') return id === undefined ? 'backends' : sub === 'status' ? 'backendStatus' : sub === undefined ? 'backend' : null;
  if (kind !== 'jobs') return null;
  if (method === 'POST' && id === undefined) return 'job';
  if (method !== 'GET') return null;
  if (id === undefined) return 'jobs';
  return sub === undefined ? 'job' : sub === 'status' ? 'jobStatus' : sub === 'result' ? 'jobResult' : null;
}

/** Throws, naming every violation, when PlanQK's SDK would refuse this answer. */
export function assertPlanqkSdkAccepts(method: string, path: string, body: unknown): void {
  const dto = planqkDtoFor(method, path);
  if (!dto) return;
  const validate = validators[dto];
  if (validate && !validate(body)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new Error(`PlanQK's SDK would refuse ${method} ${path} (${dto}): ${why}`);
  }
}
