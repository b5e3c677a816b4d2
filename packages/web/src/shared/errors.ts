import {
  AuthenticationError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionError,
  ProviderError,
  QonduitError,
  RateLimitError,
  ValidationError,
} from '@qonduit/sdk';

// Every API error, in words a person can act on. Server messages are already written for
// people (they name the provider, the role, the field), so they are kept where they help and
// framed with what to do next.

export interface ErrorContext {
  /** What was being done, for a 404: "This token", "This organization". */
  subject?: string;
  /** On the sign-in form a 401 means a wrong password, not an ended session. */
  signingIn?: boolean;
}

const ROLE_HELP = 'Ask an owner of the organization if you need this changed.';

function withRequestId(message: string, error: QonduitError): string {
  return error.requestId ? `${message} (request ID ${error.requestId})` : message;
}

export function describeError(error: unknown, context: ErrorContext = {}): string {
  if (!(error instanceof QonduitError)) {
    if (error instanceof DOMException && error.name === 'AbortError') return 'The request was cancelled.';
    return error instanceof Error ? `Something went wrong: ${error.message}` : 'Something went wrong.';
  }
  if (error instanceof ValidationError) {
    // Over the organization's per-job limit: the message names the limit.
    if (error.code === 'job_over_limit') return capitalize(error.message) + '.';
    // Field problems are shown beside their fields; this is the summary above the form.
    return error.fields.length > 0 ? 'Please correct the highlighted fields.' : capitalize(error.message);
  }
  if (error instanceof AuthenticationError) {
    return context.signingIn ? 'The email or password is wrong.' : 'Your session has ended. Please sign in again.';
  }
  if (error instanceof PermissionError) {
    if (error.code === 'csrf_failed') return 'Your session could not be confirmed. Reload the page and try again.';
    if (error.missingScopes.length > 0) return `This needs the ${error.missingScopes.join(' or ')} scope.`;
    return `${capitalize(error.message)}. ${ROLE_HELP}`;
  }
  if (error instanceof NotFoundError) {
    if (error.details.length > 0) return capitalize(error.message) + '.';
    return `${context.subject ?? 'This item'} no longer exists, or you do not have access to it.`;
  }
  if (error instanceof ConflictError) {
    if (error.code === 'email_taken') return 'An account with this email already exists. Sign in instead.';
    return capitalize(error.message) + (error.message.endsWith('.') ? '' : '.');
  }
  if (error instanceof RateLimitError) {
    // A monthly spending limit: the message names the limit and when it resets.
    if (error.code === 'spending_limit_reached') return capitalize(error.message) + '.';
    return error.retryAfter !== null
      ? `Too many attempts. Please wait ${error.retryAfter} seconds and try again.`
      : 'Too many attempts. Please wait a moment and try again.';
  }
  if (error instanceof ProviderError) {
    return withRequestId(`The quantum provider could not be reached or refused the request: ${error.message}`, error);
  }
  if (error instanceof ConnectionError) {
    return 'Cannot reach the Qonduit server. Check your connection and try again.';
  }
  if (error.status >= 500) {
    return withRequestId('Something went wrong on the server. Please try again; if it keeps happening, report it', error);
  }
  return capitalize(error.message);
}

/** Field name → message, for the fields a validation error names (`credentials.api_key` → `api_key` with prefix). */
export function fieldErrors(error: unknown, prefix = ''): Record<string, string> {
  if (!(error instanceof QonduitError)) return {};
  if (!(error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConflictError || error instanceof PermissionError)) return {};
  const out: Record<string, string> = {};
  for (const { field, message } of error.details) {
    if (prefix && !field.startsWith(prefix)) continue;
    const name = field.slice(prefix.length);
    out[name] ??= humanize(message);
  }
  return out;
}

/** Ajv's phrasing, made plain ("must NOT have fewer than 8 characters" → "must have at least 8 characters"). */
export function humanize(message: string): string {
  return capitalize(
    message
      .replace(/must NOT have fewer than (\d+) characters/, 'must have at least $1 characters')
      .replace(/must NOT have more than (\d+) characters/, 'must have at most $1 characters')
      .replace(/must NOT have fewer than (\d+) items/, 'needs at least $1')
      .replace(/must match pattern ".*"/, 'is not in the expected format')
      .replace(/must be a valid email/, 'must be a valid email address'),
  );
}

function capitalize(text: string): string {
  return text.length > 0 ? text[0]?.toUpperCase() + text.slice(1) : text;
}
