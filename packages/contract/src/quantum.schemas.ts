import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Timestamp } from './common.schemas';

// PlanQK's quantum API (DESIGN.md, wire contract): snake_case, upper-case enums.

// PlanQK's quantum SDK (planqk-quantum 2.x) reads these fields into closed enums; a value
// outside them makes its pydantic DTOs raise, so /quantum answers hold only these values.

/** planqk-quantum's `PROVIDER` enum: the SDK family a backend belongs to. */
export const PLANQK_SDK_PROVIDERS = ['AZURE', 'AWS', 'DWAVE', 'IBM', 'IBM_CLOUD', 'TSYSTEMS', 'QRYD', 'UNKNOWN'] as const;
export type PlanqkSdkProvider = (typeof PLANQK_SDK_PROVIDERS)[number];
export const PlanqkSdkProviderSchema = Type.Union([Type.Literal('AZURE'), Type.Literal('AWS'), Type.Literal('DWAVE'), Type.Literal('IBM'), Type.Literal('IBM_CLOUD'), Type.Literal('TSYSTEMS'), Type.Literal('QRYD'), Type.Literal('UNKNOWN')]);

/** planqk-quantum's `HARDWARE_PROVIDER` enum. */
export const PLANQK_HARDWARE_PROVIDERS = ['IONQ', 'RIGETTI', 'OQC', 'AWS', 'AZURE', 'IBM', 'QRYD', 'DWAVE', 'UNKNOWN'] as const;
export type PlanqkHardwareProvider = (typeof PLANQK_HARDWARE_PROVIDERS)[number];
export const PlanqkHardwareProviderSchema = Type.Union([Type.Literal('IONQ'), Type.Literal('RIGETTI'), Type.Literal('OQC'), Type.Literal('AWS'), Type.Literal('AZURE'), Type.Literal('IBM'), Type.Literal('QRYD'), Type.Literal('DWAVE'), Type.Literal('UNKNOWN')]);

/** planqk-quantum's `INPUT_FORMAT` enum (our OPEN_QASM_V2 is not in it). */
export const PLANQK_INPUT_FORMATS = ['BRAKET_OPEN_QASM_V3', 'OPEN_QASM_V3', 'IONQ_CIRCUIT_V1', 'QISKIT', 'QOQO'] as const;
export type PlanqkInputFormat = (typeof PLANQK_INPUT_FORMATS)[number];
/** The SDK's input formats that Qonduit reads. */
export const PlanqkInputFormatSchema = Type.Union([Type.Literal('BRAKET_OPEN_QASM_V3'), Type.Literal('OPEN_QASM_V3'), Type.Literal('IONQ_CIRCUIT_V1')]);

export const INPUT_FORMATS = ['OPEN_QASM_V3', 'OPEN_QASM_V2', 'IONQ_CIRCUIT_V1', 'BRAKET_OPEN_QASM_V3'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
export const InputFormatSchema = Type.Union([
  Type.Literal('OPEN_QASM_V3'),
  Type.Literal('OPEN_QASM_V2'),
  Type.Literal('IONQ_CIRCUIT_V1'),
  Type.Literal('BRAKET_OPEN_QASM_V3'),
]);

export const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLING', 'CANCELLED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JobStatusSchema = Type.Union([
  Type.Literal('PENDING'),
  Type.Literal('RUNNING'),
  Type.Literal('COMPLETED'),
  Type.Literal('FAILED'),
  Type.Literal('CANCELLING'),
  Type.Literal('CANCELLED'),
]);

export const BackendStatusValue = Type.Union([
  Type.Literal('ONLINE'),
  Type.Literal('PAUSED'),
  Type.Literal('OFFLINE'),
  Type.Literal('RETIRED'),
  Type.Literal('UNKNOWN'),
]);

export const AccessType = Type.Union([Type.Literal('TOKEN_BASED'), Type.Literal('PAY_PER_USE')]);

export const BACKEND_ACCESS = ['organization', 'user', 'platform', 'none', 'not_needed'] as const;
export const BackendAccessSchema = Type.Union([Type.Literal('organization'), Type.Literal('user'), Type.Literal('platform'), Type.Literal('none'), Type.Literal('not_needed')]);
export type BackendAccess = (typeof BACKEND_ACCESS)[number];

/** Qonduit's own view of a backend or job, beside PlanQK's projection (which the SDK ignores). */
export const QonduitBackendFacts = Type.Object({
  /** Our provider id (`ionq`, `aws_braket`, `local`, ...): whose token a job spends. */
  provider: Type.String(),
  provider_name: Type.String(),
  /** Every format the backend takes, OPEN_QASM_V2 included. */
  input_formats: Type.Array(InputFormatSchema),
  /**
   * Whose provider token a job submitted now, in this context, would spend: the organization's,
   * the caller's own, the operator's platform token, none (the job would be refused), or none
   * needed (local.simulator).
   */
  access: BackendAccessSchema,
});

export const BackendResponse = Type.Object({
  id: Type.String(),
  /** PlanQK's SDK family (README, PlanQK compatibility); the real provider is `qonduit.provider`. */
  provider: PlanqkSdkProviderSchema,
  hardware_provider: PlanqkHardwareProviderSchema,
  name: Type.String(),
  type: Type.Union([Type.Literal('QPU'), Type.Literal('SIMULATOR'), Type.Literal('ANNEALER')]),
  status: BackendStatusValue,
  access_type: AccessType,
  documentation: Type.Object({ description: Type.String(), url: Type.String(), location: Type.String() }),
  configuration: Type.Object({
    qubit_count: Type.Integer(),
    gates: Type.Array(Type.Object({ name: Type.String(), native_gate: Type.Boolean() })),
    instructions: Type.Array(Type.String()),
    qubits: Type.Array(Type.Object({ id: Type.String() })),
    connectivity: Type.Object({ fully_connected: Type.Boolean(), graph: Type.Record(Type.String(), Type.Array(Type.String())) }),
    shots_range: Type.Object({ min: Type.Integer(), max: Type.Integer() }),
    /** In the order PlanQK's SDK should pick them; see `qonduit.input_formats` for all. */
    supported_input_formats: Type.Array(PlanqkInputFormatSchema),
    memory_result_supported: Type.Boolean(),
  }),
  qonduit: QonduitBackendFacts,
});
export type BackendResponse = Static<typeof BackendResponse>;

export const BackendQuery = Type.Object({
  /** PlanQK's family (`AZURE`) or our provider id (`ionq`), case-insensitive. */
  provider: Type.Optional(Type.String({ maxLength: 20 })),
  /** Only backends PlanQK's Qiskit SDK can run jobs on; its Python client sends `True`. */
  onlyQiskit: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('True'), Type.Literal('false'), Type.Literal('False')])),
});
export const BackendParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const BackendStatusResponse = Type.Object({
  status: BackendStatusValue,
  /** For the caller's context: is there a usable token, and did its last check pass. */
  provider_token_valid: Type.Boolean(),
  access_type: AccessType,
});
export type BackendStatusResponse = Static<typeof BackendStatusResponse>;

// PlanQK's SDK sends input_params, session_id and sdk_provider too: accepted and ignored.
export const SubmitJobBody = Type.Object({
  backend_id: Type.String({ minLength: 1, maxLength: 200 }),
  provider: Type.Optional(Type.String({ maxLength: 20 })),
  shots: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  input: Type.Union([Type.String({ maxLength: 1_000_000 }), Type.Object({}, { additionalProperties: true })]),
  input_format: InputFormatSchema,
  name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  tags: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 }), Type.Null()])),
});
export type SubmitJobBody = Static<typeof SubmitJobBody>;

export const TokenSource = Type.Union([Type.Literal('organization'), Type.Literal('user'), Type.Literal('platform'), Type.Literal('none')]);

export const JobResponse = Type.Object({
  id: Type.String(),
  backend_id: Type.String(),
  /** The backend's PlanQK SDK family, as the SDK passes it back in `?provider=`. */
  provider: PlanqkSdkProviderSchema,
  status: JobStatusSchema,
  shots: Type.Integer(),
  name: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  /** null for OPEN_QASM_V2, which PlanQK's SDK has no name for; see `qonduit.input_format`. */
  input_format: Type.Union([PlanqkInputFormatSchema, Type.Null()]),
  created_at: Timestamp,
  started_at: Type.Union([Timestamp, Type.Null()]),
  ended_at: Type.Union([Timestamp, Type.Null()]),
  /** Whose provider token the job spends: never the token itself. */
  token_source: TokenSource,
  error_message: Type.Union([Type.String(), Type.Null()]),
  qonduit: Type.Object({
    provider: Type.String(),
    provider_name: Type.String(),
    input_format: InputFormatSchema,
    /** What the job was estimated to cost when it was submitted (USD); null on a backend with no price. */
    estimated_cost: Type.Optional(Type.Union([Type.Object({ amount: Type.Number(), currency: Type.Literal('USD') }), Type.Null()])),
  }),
});
export type JobResponse = Static<typeof JobResponse>;

export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
/** PlanQK's SDK names the job's provider on every job route; the job id alone decides. */
export const JobQuery = Type.Object({ provider: Type.Optional(Type.String({ maxLength: 20 })) });
export const JobListQuery = Type.Object({
  provider: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export const JobPage = Type.Object({ content: Type.Array(JobResponse), last: Type.Boolean() });
export const JobStatusResponse = Type.Object({ status: JobStatusSchema });
export const JobResultResponse = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer()),
  memory: Type.Optional(Type.Array(Type.String())),
});
export type JobResultResponse = Static<typeof JobResultResponse>;
