import { ProviderError } from './types';
import type { AdapterContext, VerifyResult } from './types';

// The one way adapters talk HTTP: a timeout on every call, provider answers sorted into the
// four ProviderError kinds, and messages scrubbed of the credential in case a provider echoes it.

export const DEFAULT_TIMEOUT_MS = 15_000;
const MESSAGE_LIMIT = 300;

export interface HttpCall {
  /** The provider's display name, for messages. */
  provider: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Credential values that must never appear in a message. */
  secrets?: readonly string[];
  /** How to read a 403: most providers mean "bad credential", some mean "not this resource". */
  forbidden?: 'auth' | 'rejected';
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_LIMIT ? `${flat.slice(0, MESSAGE_LIMIT)}…` : flat;
}

function pickString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The provider's own words and code from an error body (JSON of many shapes, or S3's XML). */
export function describeErrorBody(text: string): { message: string | undefined; code: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    const xmlCode = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
    if (xmlMessage !== undefined || xmlCode !== undefined)
      return { message: xmlMessage ?? xmlCode, code: xmlCode };
    return { message: pickString(text), code: undefined };
  }
  if (!isRecord(parsed)) return { message: undefined, code: undefined };
  const firstError =
    Array.isArray(parsed.errors) && isRecord(parsed.errors[0]) ? parsed.errors[0] : undefined;
  const nestedError = isRecord(parsed.error) ? parsed.error : undefined;
  const detail = Array.isArray(parsed.detail)
    ? parsed.detail
        .map((d: unknown) => (isRecord(d) ? pickString(d.msg) : undefined))
        .find((m) => m !== undefined)
    : pickString(parsed.detail);
  const message =
    pickString(parsed.message) ??
    pickString(parsed.Message) ??
    pickString(parsed.errorMessage) ??
    pickString(parsed.error_msg) ??
    detail ??
    pickString(nestedError?.message) ??
    pickString(firstError?.message) ??
    pickString(parsed.error);
  const rawCode = parsed.errorCode ?? parsed.code ?? parsed.__type ?? nestedError?.code ?? firstError?.code;
  const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? String(rawCode) : undefined;
  return { message, code };
}

function errorCause(error: unknown): string {
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code = isRecord(cause) ? pickString(cause.code) : undefined;
  return code ?? (error instanceof Error ? error.message : 'network error');
}

/** Sends one request; any non-2xx answer becomes a ProviderError. */
export async function send(ctx: AdapterContext, call: HttpCall): Promise<HttpAnswer> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal === undefined ? timeout : AbortSignal.any([timeout, ctx.signal]);
  const secrets = call.secrets ?? [];

  let response: Response;
  let text: string;
  try {
    response = await ctx.fetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    // The caller gave up: that is not the provider's fault, so pass the abort on unchanged.
    if (ctx.signal?.aborted === true) throw ctx.signal.reason;
    const reason = timeout.aborted ? `no answer within ${Math.round(timeoutMs / 1000)} s` : errorCause(error);
    throw new ProviderError(
      'unreachable',
      `${call.provider} is unreachable (${shorten(scrub(reason, secrets))})`,
      {
        cause: error,
      },
    );
  }

  if (response.ok) return { status: response.status, headers: response.headers, text };

  const status = response.status;
  const described = describeErrorBody(text);
  const said = described.message === undefined ? '' : `: ${shorten(scrub(described.message, secrets))}`;
  const code = described.code === undefined ? undefined : shorten(scrub(described.code, secrets));
  if (status === 401 || (status === 403 && call.forbidden !== 'rejected')) {
    throw new ProviderError(
      'auth',
      `${call.provider} did not accept the credential (HTTP ${status})${said}`,
      { status, code },
    );
  }
  if (status === 429 || status >= 500) {
    throw new ProviderError('unreachable', `${call.provider} is unavailable (HTTP ${status})${said}`, {
      status,
      code,
    });
  }
  if (status >= 400) {
    throw new ProviderError('rejected', `${call.provider} refused the request (HTTP ${status})${said}`, {
      status,
      code,
    });
  }
  throw new ProviderError('protocol', `${call.provider} answered with unexpected HTTP ${status}`, { status });
}

/** Sends one request and reads its JSON answer (an empty answer reads as null). */
export async function sendJson(ctx: AdapterContext, call: HttpCall): Promise<unknown> {
  const answer = await send(ctx, call);
  if (answer.text.trim() === '') return null;
  try {
    return JSON.parse(answer.text) as unknown;
  } catch (error) {
    throw new ProviderError('protocol', `${call.provider} answered with something that is not JSON`, {
      status: answer.status,
      cause: error,
    });
  }
}

export function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', ...extra };
}

/** Turns the outcome of a cheap authenticated call into a VerifyResult. */
export async function verifyWith(check: () => Promise<unknown>): Promise<VerifyResult> {
  try {
    await check();
    return { status: 'valid' };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    switch (error.kind) {
      case 'auth':
        return { status: 'invalid', message: error.message };
      case 'rejected':
        // A 404 on the check means the base URL points somewhere else, not that the token is bad.
        return error.status === 404
          ? { status: 'unreachable', message: error.message }
          : { status: 'invalid', message: error.message };
      case 'unreachable':
      case 'protocol':
        return { status: 'unreachable', message: error.message };
    }
  }
}

// ---------------------------------------------------------------------------------------
// Reading provider answers without `any`

export function asRecord(value: unknown, provider: string, what: string): Record<string, unknown> {
  if (!isRecord(value))
    throw new ProviderError('protocol', `${provider} sent an unexpected ${what} (not an object)`);
  return value;
}

export function stringField(
  record: Record<string, unknown>,
  key: string,
  provider: string,
  what: string,
): string {
  const value = record[key];
  if (typeof value !== 'string' || value === '') {
    throw new ProviderError('protocol', `${provider} sent a ${what} without '${key}'`);
  }
  return value;
}

export { isRecord };

/** A credential field the adapter cannot work without; a missing one means a bad credential. */
export function credentialField(
  credential: Readonly<Record<string, string>>,
  name: string,
  provider: string,
): string {
  const value = credential[name];
  if (value === undefined || value === '') {
    throw new ProviderError('auth', `the ${provider} credential has no ${name}`);
  }
  return value;
}
