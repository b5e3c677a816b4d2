import {
  AuthenticationError,
  ConnectionError,
  JobCancelledError,
  PermissionError,
  ProviderError,
  QonduitError,
  RateLimitError,
  ValidationError,
} from '@qonduit/sdk';

/** Documented in `qonduit --help`. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  authentication: 3,
  permission: 4,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI itself raises, with its exit code and an optional next step. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | null;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint ?? null;
  }
}

export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: EXIT.usage, ...(hint ? { hint } : {}) });
}

export interface ErrorReport {
  message: string;
  hint: string | null;
  requestId: string | null;
  exitCode: ExitCode;
}

export interface ErrorSituation {
  url: string;
  /** Where the token came from, so that the hint points at the right place to fix it. */
  tokenSource: 'env' | 'config' | 'flag' | null;
}

/** One line and a hint for any error: never a stack trace, never a secret. */
export function describeError(err: unknown, situation: ErrorSituation): ErrorReport {
  const report = (message: string, exitCode: ExitCode, hint: string | null = null, requestId: string | null = null): ErrorReport => ({
    message,
    hint,
    requestId,
    exitCode,
  });
  if (err instanceof CliError) return report(err.message, err.exitCode, err.hint);
  if (err instanceof AuthenticationError) {
    const hint =
      situation.tokenSource === 'env'
        ? 'QONDUIT_TOKEN holds a token the server refused: unset it, or set a valid token'
        : 'log in again with `qonduit login` and a valid personal access token';
    return report(`authentication failed: ${err.reason}`, EXIT.authentication, hint, err.requestId);
  }
  if (err instanceof PermissionError) {
    // An organization's token policy narrowed the token's scopes: a new token would not help.
    if (err.missingScopes.length > 0 && /^Organization '.*' allows tokens acting for it only/.test(err.message)) {
      return report(err.message, EXIT.permission, "the organization's token policy allows only these scopes for tokens; use the web UI, or ask an owner (`qonduit orgs policy show`)", err.requestId);
    }
    if (err.missingScopes.length > 0) {
      const scopes = [...new Set(['api', ...err.missingScopes])].join(',');
      return report(
        `token lacks scope ${err.missingScopes.join(' or ')}`,
        EXIT.permission,
        `create one with \`qonduit tokens create --scopes ${scopes}\`, then \`qonduit login\` with it`,
        err.requestId,
      );
    }
    const hint = err.role ? 'ask an owner of the organization to change your role' : null;
    return report(err.message, EXIT.permission, hint, err.requestId);
  }
  if (err instanceof ValidationError && err.code === 'provider_token_missing') {
    const provider = /^no (\S+) token$/.exec(err.fields.find((f) => f.field === 'provider')?.message ?? '')?.[1] ?? 'PROVIDER';
    return report(err.message, EXIT.failure, `add one with \`qonduit provider-tokens set ${provider}\` (it asks for the key)`, err.requestId);
  }
  if (err instanceof ValidationError) {
    const fields = err.fields.map((f) => `${f.field} ${f.message}`);
    const message = fields.length > 1 ? `${err.message} (${fields.join('; ')})` : err.message;
    // The server refused what was typed: a usage error, like a bad flag.
    return report(message, EXIT.usage, 'see the command’s --help for what it takes', err.requestId);
  }
  if (err instanceof RateLimitError) {
    const when = err.retryAfter !== null ? `try again in ${err.retryAfter} s` : 'try again later';
    return report(`${err.message}`, EXIT.failure, when, err.requestId);
  }
  if (err instanceof ConnectionError) {
    return report(
      `cannot reach the Qonduit server at ${situation.url}`,
      EXIT.failure,
      'is it running? Start one with `qonduit serve`, or point at another with --url or QONDUIT_URL',
    );
  }
  if (err instanceof JobCancelledError) return report(err.message, EXIT.failure);
  if (err instanceof ProviderError) {
    const verify = err.provider ? `qonduit provider-tokens verify ${err.provider}` : 'qonduit provider-tokens list';
    return report(err.message, EXIT.failure, `check the provider token with \`${verify}\``, err.requestId);
  }
  if (err instanceof QonduitError) return report(err.message, EXIT.failure, null, err.requestId);
  if (err instanceof Error && err.name === 'AbortError') return report('stopped', EXIT.interrupted);
  if (err instanceof Error && err.name === 'KeyringError') return report(err.message, EXIT.failure);
  const message = err instanceof Error ? err.message : String(err);
  return report(`unexpected error: ${message}`, EXIT.failure);
}

export function formatReport(report: ErrorReport): string {
  const id = report.requestId ? ` (request ${report.requestId})` : '';
  return `qonduit: ${report.message}${id}\n${report.hint ? `hint: ${report.hint}\n` : ''}`;
}
