// Every error the API can answer, with its HTTP status. The server maps codes to statuses in
// one place (this table); the SDK maps them back to typed errors.
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  /** A job or proxy call found no provider token to spend. */
  provider_token_missing: 400,
  /** The circuit cannot run on the chosen backend (qubits, gates, shots). */
  unsupported_circuit: 400,
  unauthenticated: 401,
  /** The password (or single sign-on) was right; the account's second factor is still to come (`error.challenge`). */
  second_factor_required: 401,
  insufficient_scope: 403,
  forbidden: 403,
  csrf_failed: 403,
  /** Step-up: the session's last proof of identity is older than QONDUIT_STEP_UP_MINUTES. */
  reauthentication_required: 403,
  /** The organization requires its members to have a second factor. */
  two_factor_required: 403,
  /** The organization requires its members to sign in through single sign-on. */
  sso_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** The job has not (successfully) finished: no result to show. */
  job_not_finished: 409,
  email_taken: 409,
  last_owner: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** The job is larger than the organization allows for one job (its spending limits). */
  job_over_limit: 422,
  rate_limited: 429,
  /** A monthly spending limit on the organization's provider token would be exceeded. */
  spending_limit_reached: 429,
  internal: 500,
  /** The provider could not be reached or answered with an error. */
  provider_error: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  field: string;
  message: string;
}

/** What a `second_factor_required` answer carries: the sign-in to complete, and with what. */
export interface SecondFactorChallenge {
  id: string;
  methods: Array<'totp' | 'webauthn' | 'recovery_code'>;
  expires_at: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id?: string; details?: ErrorDetail[]; challenge?: SecondFactorChallenge };
}
