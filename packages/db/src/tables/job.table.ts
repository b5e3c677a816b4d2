import type { Insertable, Selectable } from 'kysely';

export type JobStatusValue = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLING' | 'CANCELLED';

// A quantum job. The worker drives it through the provider; a lease (owner + expiry) makes
// sure one server process works on it at a time, and an expired lease lets another carry on
// after a crash.
export interface JobTable {
  id: string;
  /** The user or organization the job belongs to (who can see it). */
  account_id: string;
  account_type: 'user' | 'organization';
  submitted_by: string;
  backend_id: string;
  provider: string;
  status: JobStatusValue;
  shots: number;
  name: string | null;
  /** JSON array of strings. */
  tags: string;
  input_format: string;
  /** The program as submitted: QASM text, or JSON for IONQ_CIRCUIT_V1. */
  input: string;
  qubits: number;
  token_source: 'organization' | 'user' | 'platform' | 'none';
  /** The provider_tokens row spent, if any: resolved again at run time, never copied here. */
  token_record_id: string | null;
  provider_job_id: string | null;
  /** JSON {counts, memory?} once COMPLETED. */
  result: string | null;
  error_message: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  attempts: number;
  next_run_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  /** The client's Idempotency-Key for the submission, unique per account. */
  idempotency_key: string | null;
  /**
   * Written before the provider is called: the provider's idempotency token where it has one.
   * Set with no provider_job_id means a submission whose outcome is not known yet (a crash
   * between the provider's answer and our write): reconciled, never blindly repeated.
   */
  submit_attempt_id: string | null;
  submit_attempt_at: string | null;
  /** What the job was estimated to cost at submission, in micro-dollars (bigint); null: no price. */
  estimated_cost_micro_usd: number | string | null;
  /**
   * The month (YYYY-MM) whose usage counters this job was counted in, for a job spending an
   * organization's token; cleared when the usage is given back (the job never reached its provider).
   */
  usage_month: string | null;
}
export type Job = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
