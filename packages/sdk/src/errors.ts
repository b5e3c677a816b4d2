import type { ErrorCode, ErrorDetail, Scope, SecondFactorChallenge } from '@qonduit/contract';
import { isScope } from './constants';

/**
 * The server's error codes (`ErrorCode`), plus what only a client can see: the server could
 * not be reached, the answer was not the API's, or a job ended badly. Unknown server codes
 * pass through as strings, so a newer server does not break an older SDK.
 */
export type QonduitErrorCode =
  | ErrorCode
  | 'network_error'
  | 'unexpected_response'
  | 'job_failed'
  | 'job_cancelled'
  | (string & NonNullable<unknown>);

export interface QonduitErrorInit {
  code: QonduitErrorCode;
  status: number;
  requestId?: string | null;
  details?: readonly ErrorDetail[];
  cause?: unknown;
}

/** Every error the SDK throws for an API call (an aborted call throws the signal's reason instead). */
export class QonduitError extends Error {
  readonly code: QonduitErrorCode;
  /** The HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** The server's request id: quote it when reporting a problem. */
  readonly requestId: string | null;
  readonly details: readonly ErrorDetail[];

  constructor(message: string, init: QonduitErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId ?? null;
    this.details = init.details ?? [];
  }
}

/** 401: the token is invalid, expired or revoked, or no credentials were sent. */
export class AuthenticationError extends QonduitError {
  /** Why, in the server's words ("the token has expired"). */
  readonly reason: string;

  constructor(message: string, init: QonduitErrorInit) {
    super(message, init);
    this.reason = message.replace(/^Authentication failed:\s*/, '');
  }
}

/**
 * 401 second_factor_required: the password was right, and the account has a second factor.
 * Finish with `auth.loginSecondFactor({ challenge_id: err.challenge.id, code })`.
 */
export class SecondFactorRequiredError extends AuthenticationError {
  readonly challenge: SecondFactorChallenge;

  constructor(message: string, init: QonduitErrorInit & { challenge: SecondFactorChallenge }) {
    super(message, init);
    this.challenge = init.challenge;
  }
}

/** 403: the token lacks a scope, the caller's role does not allow it, or a cookie write lacked its CSRF header. */
export class PermissionError extends QonduitError {
  /** Scopes that would have allowed the request (empty when the refusal was about a role). */
  readonly missingScopes: readonly Scope[];
  /** The caller's role when the server named it ("your role is viewer"). */
  readonly role: string | null;

  constructor(message: string, init: QonduitErrorInit & { wwwAuthenticate?: string | null }) {
    super(message, init);
    this.missingScopes = scopesFrom(init.wwwAuthenticate ?? null, init.details ?? []);
    this.role = /your role is (\w+)/.exec(message)?.[1] ?? null;
  }
}

export class NotFoundError extends QonduitError {}

/** 400 (and 413, 415): the request was refused as it is; `fields` says which parts. */
export class ValidationError extends QonduitError {
  get fields(): readonly ErrorDetail[] {
    return this.details;
  }
}

/** 409: a taken email, the last owner, a name in use. */
export class ConflictError extends QonduitError {}

export class RateLimitError extends QonduitError {
  /** Seconds to wait before trying again, from the Retry-After header, when the server sent one. */
  readonly retryAfter: number | null;

  constructor(message: string, init: QonduitErrorInit & { retryAfter: number | null }) {
    super(message, init);
    this.retryAfter = init.retryAfter;
  }
}

/** A job failed at its provider (or the provider could not be reached for it). */
export class ProviderError extends QonduitError {
  readonly jobId: string | null;
  /** Qonduit's provider id (`ionq`, `aws_braket`, ...), where the job is known. */
  readonly provider: string | null;

  constructor(message: string, init: QonduitErrorInit & { jobId?: string | null; provider?: string | null }) {
    super(message, init);
    this.jobId = init.jobId ?? null;
    this.provider = init.provider ?? null;
  }
}

/** A job that `jobs.run` waited for was cancelled before it finished. */
export class JobCancelledError extends QonduitError {
  readonly jobId: string;

  constructor(jobId: string) {
    super(`Job ${jobId} was cancelled before it finished`, { code: 'job_cancelled', status: 0 });
    this.jobId = jobId;
  }
}

/** The server could not be reached, or answered something that is not the API's JSON. */
export class ConnectionError extends QonduitError {}

function scopesFrom(wwwAuthenticate: string | null, details: readonly ErrorDetail[]): Scope[] {
  // RFC 6750: `Bearer error="insufficient_scope", scope="api quantum_tokens"`.
  const header = wwwAuthenticate ? /scope="([^"]*)"/.exec(wwwAuthenticate)?.[1] : undefined;
  const fromDetails = details.find((d) => d.field === 'scope')?.message.replace(/^needs one of:\s*/, '').split(/,\s*/);
  const names = header ? header.split(/\s+/) : (fromDetails ?? []);
  return names.filter(isScope);
}

interface ErrorBodyLike {
  error?: { code?: unknown; message?: unknown; request_id?: unknown; details?: unknown; challenge?: unknown };
}

function isDetail(value: unknown): value is ErrorDetail {
  return typeof value === 'object' && value !== null && typeof (value as ErrorDetail).field === 'string' && typeof (value as ErrorDetail).message === 'string';
}

function isChallenge(value: unknown): value is SecondFactorChallenge {
  const c = value as SecondFactorChallenge | null;
  return typeof c === 'object' && c !== null && typeof c.id === 'string' && Array.isArray(c.methods) && typeof c.expires_at === 'string';
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The typed error for an API error answer. */
export function errorFromResponse(status: number, headers: Headers, body: unknown): QonduitError {
  const error = typeof body === 'object' && body !== null ? (body as ErrorBodyLike).error : undefined;
  const code = typeof error?.code === 'string' ? error.code : status >= 500 ? 'internal' : 'unexpected_response';
  const message = typeof error?.message === 'string' ? error.message : `The server answered HTTP ${status}`;
  const requestId = typeof error?.request_id === 'string' ? error.request_id : headers.get('x-request-id');
  const details = Array.isArray(error?.details) ? error.details.filter(isDetail) : [];
  const init: QonduitErrorInit = { code, status, requestId, details };

  switch (status) {
    case 400:
    case 413:
    case 415:
    // 422: the job is larger than an organization's spending limits allow for one job.
    case 422:
      return new ValidationError(message, init);
    case 401:
      if (code === 'second_factor_required' && isChallenge(error?.challenge)) return new SecondFactorRequiredError(message, { ...init, challenge: error.challenge });
      return new AuthenticationError(message, init);
    case 403:
      return new PermissionError(message, { ...init, wwwAuthenticate: headers.get('www-authenticate') });
    case 404:
      return new NotFoundError(message, init);
    case 409:
      return new ConflictError(message, init);
    case 429:
      return new RateLimitError(message, { ...init, retryAfter: parseRetryAfter(headers.get('retry-after')) });
    case 502:
    case 504:
      // The server answers 502/504 when a provider failed or timed out behind it.
      return new ProviderError(message, init);
    default:
      return new QonduitError(message, init);
  }
}
