import type { ErrorCode, ErrorDetail, SecondFactorChallenge } from '@qonduit/contract';

// The one error type of the server: the code decides the status (contract's ERROR_STATUS).
// Messages are written for the person reading them and never carry a secret.
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly challenge: SecondFactorChallenge | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown; challenge?: SecondFactorChallenge } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
    this.challenge = options.challenge;
  }
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} was not found`);
}

export function forbidden(message: string): AppError {
  return new AppError('forbidden', message);
}
