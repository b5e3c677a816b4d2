import { PROVIDER_IDS, ProviderUrlError, providerUrlsFromEnv, validateCredential } from '@qonduit/runtime';
import type { ProviderId, ProviderUrls } from '@qonduit/runtime';
import path from 'node:path';
import { DEFAULT_WEB_DIR } from './plugins/web-ui';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL when set; the embedded SQLite file in dataDir otherwise. */
  readonly databaseUrl: string | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Secure cookies need HTTPS; on by default unless the server is only reachable over loopback. */
  readonly cookieSecure: boolean;
  readonly trustProxy: boolean;
  readonly sessionTtlHours: number;
  /** Where each provider's API is (QONDUIT_PROVIDER_<ID>_URL); the proxy reaches only these. */
  readonly providerUrls: ProviderUrls;
  /**
   * Operator-provided credentials per provider (QONDUIT_PLATFORM_CREDENTIALS_<ID>, a JSON object
   * of the catalog's fields): the last resort of token resolution; backends then show PAY_PER_USE.
   */
  readonly platformCredentials: Readonly<Partial<Record<ProviderId, Readonly<Record<string, string>>>>>;
  /** How often the job worker looks for work, in milliseconds. */
  readonly workerIntervalMs: number;
  /** How long a worker may hold a job before another process may take it over (crash recovery). */
  readonly workerLeaseMs: number;
  /** The built web UI to serve at `/` (packages/web/dist by default). */
  readonly webDir: string;
}

function platformCredentials(env: NodeJS.ProcessEnv): Partial<Record<ProviderId, Record<string, string>>> {
  const found: Partial<Record<ProviderId, Record<string, string>>> = {};
  for (const id of PROVIDER_IDS) {
    const name = `QONDUIT_PLATFORM_CREDENTIALS_${id.toUpperCase()}`;
    const raw = env[name];
    if (!raw) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // Never quote the value: it is a secret.
      throw new ConfigError(name, 'expected a JSON object of credential fields');
    }
    const checked = validateCredential(id, parsed);
    if (!checked.ok) throw new ConfigError(name, checked.details.map((d) => d.message).join('; '));
    found[id] = checked.credential;
  }
  return found;
}

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min} to ${max}, got ${value}`);
  return value;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

/** Parsed once at start-up; an invalid setting stops the server with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const databaseUrl = env.QONDUIT_DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('QONDUIT_DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  }
  const logLevel = env.QONDUIT_LOG_LEVEL || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('QONDUIT_LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const host = env.QONDUIT_HOST || '127.0.0.1';
  let providerUrls: ProviderUrls;
  try {
    providerUrls = providerUrlsFromEnv(env);
  } catch (err) {
    if (err instanceof ProviderUrlError) throw new ConfigError(err.variable, err.message.slice(err.variable.length + 1));
    throw err;
  }
  return Object.freeze({
    port: integer(env, 'QONDUIT_PORT', 8080, 0, 65535),
    host,
    dataDir: path.resolve(env.QONDUIT_DATA_DIR || './data'),
    databaseUrl,
    logLevel: logLevel as Config['logLevel'],
    cookieSecure: bool(env, 'QONDUIT_COOKIE_SECURE', false),
    trustProxy: bool(env, 'QONDUIT_TRUST_PROXY', false),
    sessionTtlHours: integer(env, 'QONDUIT_SESSION_TTL_HOURS', 24 * 14, 1, 24 * 365),
    providerUrls,
    platformCredentials: platformCredentials(env),
    workerIntervalMs: integer(env, 'QONDUIT_WORKER_INTERVAL_MS', 500, 10, 60_000),
    workerLeaseMs: integer(env, 'QONDUIT_WORKER_LEASE_MS', 60_000, 1000, 3_600_000),
    webDir: env.QONDUIT_WEB_DIR ? path.resolve(env.QONDUIT_WEB_DIR) : DEFAULT_WEB_DIR,
  });
}
