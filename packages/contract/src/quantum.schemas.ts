import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Timestamp } from './common.schemas';

// PlanQK's quantum API (DESIGN.md, wire contract): snake_case, upper-case enums.

export const PLANQK_PROVIDERS = ['IBM', 'IBM_CLOUD', 'DWAVE', 'AWS', 'AZURE', 'IQM', 'IONQ', 'AQT', 'LOCAL'] as const;
export const PlanqkProvider = Type.Union(PLANQK_PROVIDERS.map((p) => Type.Literal(p)));
export type PlanqkProvider = (typeof PLANQK_PROVIDERS)[number];

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

export const BackendResponse = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  hardware_provider: Type.String(),
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
    supported_input_formats: Type.Array(InputFormatSchema),
    memory_result_supported: Type.Boolean(),
  }),
});
export type BackendResponse = Static<typeof BackendResponse>;

export const BackendQuery = Type.Object({ provider: Type.Optional(Type.String({ maxLength: 20 })) });
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
  provider: Type.String(),
  status: JobStatusSchema,
  shots: Type.Integer(),
  name: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  input_format: InputFormatSchema,
  created_at: Timestamp,
  started_at: Type.Union([Timestamp, Type.Null()]),
  ended_at: Type.Union([Timestamp, Type.Null()]),
  /** Whose provider token the job spends: never the token itself. */
  token_source: TokenSource,
  error_message: Type.Union([Type.String(), Type.Null()]),
});
export type JobResponse = Static<typeof JobResponse>;

export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const JobListQuery = Type.Object({
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
