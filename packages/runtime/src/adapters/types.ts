import type { Clock } from '@qonduit/core';
import type { ProviderUrls } from '../providers/base-urls';
import type { ProviderId } from '../providers/catalog';
import type { Circuit } from '../simulator/circuit';

export interface AdapterContext {
  urls: ProviderUrls;
  fetch: typeof fetch;
  clock: Clock;
  signal?: AbortSignal;
}

/** A credential as the catalog validated it: field name → value. */
export type Credential = Readonly<Record<string, string>>;

export type VerifyResult =
  | { status: 'valid' }
  | { status: 'invalid'; message: string }
  | { status: 'unreachable'; message: string }
  | { status: 'unsupported'; message: string };

export interface ProviderJobSpec {
  /** The provider-side device name (IonQ `simulator`, a Braket device ARN, AQT `workspace/resource`, ...). */
  backend: string;
  shots: number;
  name: string;
  qasm3: string;
  ir: Circuit;
  qubits: number;
  /** Our job's id, carried in the provider job's metadata/tags where the provider has them. */
  jobId: string;
  /**
   * This submission attempt, recorded before the call: the provider's idempotency token where it
   * has one (Braket `clientToken`), else metadata to find the job by after a lost answer.
   */
  attemptId: string;
}

/** What a lost submission is looked up by at the provider. */
export interface SubmissionLookup {
  backend: string;
  jobId: string;
  attemptId: string;
  /** When the attempt was recorded (ISO 8601): nothing older can be it. */
  since: string;
}

export type ProviderJobState = {
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
  message?: string;
};

/** The request the provider proxy forwards; adapters that sign whole requests (SigV4) need it. */
export interface ProxyRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  verify(credential: Credential, ctx: AdapterContext): Promise<VerifyResult>;
  submit?(
    job: ProviderJobSpec,
    credential: Credential,
    ctx: AdapterContext,
  ): Promise<{ providerJobId: string }>;
  /**
   * True when submitting again with the same `attemptId` gives back the job the first call
   * created (the provider honours an idempotency token), so a lost answer may be asked again.
   */
  readonly idempotentSubmit?: boolean;
  /**
   * Finds the job a submission attempt created, for an answer lost to a crash: null when the
   * provider has no such job. Absent where the provider offers no way to look (the outcome is
   * then unknown, and the job is failed rather than submitted twice).
   */
  findSubmitted?(lookup: SubmissionLookup, credential: Credential, ctx: AdapterContext): Promise<{ providerJobId: string } | null>;
  poll?(providerJobId: string, credential: Credential, ctx: AdapterContext): Promise<ProviderJobState>;
  /** Counts keyed like Qiskit's: bit 0 is the rightmost character. */
  result?(
    providerJobId: string,
    job: { qubits: number; shots: number },
    credential: Credential,
    ctx: AdapterContext,
  ): Promise<{ counts: Record<string, number> }>;
  cancel?(providerJobId: string, credential: Credential, ctx: AdapterContext): Promise<void>;
  /**
   * How the provider proxy puts this credential on a forwarded request. Most providers take a
   * fixed header; AWS signs each request, so it needs `request` (and throws without it).
   */
  proxyAuthHeaders(
    credential: Credential,
    ctx: AdapterContext,
    request?: ProxyRequest,
  ): Promise<Record<string, string>>;
}

export type ProviderErrorKind =
  /** 401/403: the credential was not accepted. */
  | 'auth'
  /** Network error, timeout, 5xx or 429: try again later. */
  | 'unreachable'
  /** Any other 4xx: the provider refused the request; the message says why. */
  | 'rejected'
  /** The provider answered something we cannot read. */
  | 'protocol';

/** Every failure an adapter reports. Messages are safe to show: they never carry a credential. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | undefined;
  /** The provider's own error code when it sent one (IBM IAM's `BXNIM0415E`, AWS's exception name). */
  readonly code: string | undefined;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; code?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = options.status;
    this.code = options.code;
  }
}

/** An adapter that runs jobs itself (D-Wave and Azure go through the proxy instead). */
export type JobAdapter = ProviderAdapter &
  Required<Pick<ProviderAdapter, 'submit' | 'poll' | 'result' | 'cancel'>>;
