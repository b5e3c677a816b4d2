import { ConnectionError, RateLimitError, errorFromResponse } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Options every SDK method takes as its last argument. */
export interface RequestOptions {
  /** Stops the request (and any retry wait); the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Makes a POST safe to retry: the same key means the same request. Without one, a POST is
   * sent once, because a retried write could happen twice.
   */
  idempotencyKey?: string;
  /** This call only: act for this organization (a string) or for the personal account (null). */
  organizationId?: string | null;
}

export interface Call {
  method: HttpMethod;
  path: string;
  query?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  body?: unknown;
  /** false: send no credentials (the public leaked-token revocation). */
  authenticate?: boolean;
}

export interface RetryPolicy {
  /** How many times a safe request is tried again after a network error, 429, 502, 503 or 504. */
  maxRetries: number;
  /** First backoff delay; it doubles per attempt (with jitter) up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the RateLimitError is thrown instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 300, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 };

export interface TransportOptions {
  baseUrl: string;
  token: string | null;
  organizationId: string | null;
  fetch: typeof fetch;
  retry: RetryPolicy;
  /** Sent as User-Agent outside browsers (which do not allow setting it). */
  userAgent: string | null;
  /** Where cookies live when there is no browser to keep them (cookie sessions in Node). */
  cookies: CookieJar | null;
  /** Browsers: send the session cookie with each request. */
  credentials: RequestCredentials | undefined;
  /** How the transport waits; tests make it instant. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

export const CSRF_COOKIE = 'qonduit_csrf';
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // "Equal jitter": at least half the delay, so that clients that failed together spread out.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The few cookies a Qonduit session uses, for runtimes without a browser's cookie store
 * (Node scripts and tests that sign in with a password, as the web UI does).
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  store(setCookies: readonly string[], now: number = Date.now()): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', raw = ''] = attribute.split('=', 2).map((s) => s.trim());
        if (key.toLowerCase() === 'max-age' && Number(raw) <= 0) expired = true;
        if (key.toLowerCase() === 'expires' && Date.parse(raw) <= now) expired = true;
      }
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string | null {
    if (this.#cookies.size === 0) return null;
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function browserCookie(name: string): string | undefined {
  const doc = (globalThis as { document?: { cookie?: string } }).document;
  if (typeof doc?.cookie !== 'string') return undefined;
  for (const part of doc.cookie.split(';')) {
    const [k = '', ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function buildUrl(baseUrl: string, path: string, query: Call['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export type Transport = <T>(call: Call, options?: RequestOptions) => Promise<T>;

/** One HTTP exchange with the API: credentials, organization context, typed errors, safe retries. */
export function createTransport(options: TransportOptions): Transport {
  const sleep = options.sleep ?? abortableSleep;

  function headersFor(call: Call, requestOptions: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    if (requestOptions.idempotencyKey) headers['idempotency-key'] = requestOptions.idempotencyKey;
    if (call.authenticate === false) return headers;
    const org = requestOptions.organizationId !== undefined ? requestOptions.organizationId : options.organizationId;
    if (org) headers['x-organizationid'] = org;
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
      return headers;
    }
    const cookie = options.cookies?.header();
    if (cookie) headers.cookie = cookie;
    if (call.method !== 'GET') {
      // Double-submit CSRF: a cookie-session write echoes the readable qonduit_csrf cookie.
      const csrf = options.cookies?.get(CSRF_COOKIE) ?? browserCookie(CSRF_COOKIE);
      if (csrf) headers['x-csrf-token'] = csrf;
    }
    return headers;
  }

  return async function request<T>(call: Call, requestOptions: RequestOptions = {}): Promise<T> {
    const { signal } = requestOptions;
    const url = buildUrl(options.baseUrl, call.path, call.query);
    // Only requests that cannot do anything twice are retried (GET, or a keyed POST).
    const retryable = call.method === 'GET' || requestOptions.idempotencyKey !== undefined;
    for (let attempt = 0; ; attempt++) {
      const canRetry = retryable && attempt < options.retry.maxRetries;
      let res: Response;
      try {
        res = await options.fetch(url, {
          method: call.method,
          headers: headersFor(call, requestOptions),
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          ...(signal ? { signal } : {}),
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        // Stopped by a signal the caller gave its fetch (the CLI's Ctrl-C): never retried.
        if (err instanceof Error && err.name === 'AbortError') throw err;
        if (canRetry) {
          await sleep(backoffDelay(attempt, options.retry), signal);
          continue;
        }
        const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        throw new ConnectionError(`Cannot reach the Qonduit server at ${options.baseUrl || 'this origin'}: ${why}`, {
          code: 'network_error',
          status: 0,
          cause: err,
        });
      }
      if (options.cookies) options.cookies.store(res.headers.getSetCookie());
      const body = await readBody(res);
      if (res.ok) {
        if (body === null) {
          throw new ConnectionError(`The server at ${options.baseUrl} did not answer JSON: is it a Qonduit server?`, {
            code: 'unexpected_response',
            status: res.status,
          });
        }
        return body as T;
      }
      const error = errorFromResponse(res.status, res.headers, body);
      if (canRetry && RETRYABLE_STATUS.has(res.status)) {
        const retryAfter = error instanceof RateLimitError ? error.retryAfter : null;
        const wait = retryAfter !== null ? retryAfter * 1000 : backoffDelay(attempt, options.retry);
        if (retryAfter === null || wait <= options.retry.maxRetryAfterMs) {
          await sleep(wait, signal);
          continue;
        }
      }
      throw error;
    }
  };
}
