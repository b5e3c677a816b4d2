import { MAX_SIMULATION_WORK, PROVIDER_IDS, ProviderUrlError, providerUrlsFromEnv, validateCredential } from '@qonduit/runtime';
import type { ProviderId, ProviderUrls } from '@qonduit/runtime';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { RATE_LIMIT_DEFAULTS, RATE_LIMIT_NAMES } from './plugins/rate-limit';
import type { RateLimitSetting, RateLimitSettings } from './plugins/rate-limit';
import { DEFAULT_WEB_DIR } from './plugins/web-ui';
import { DEFAULT_AUTH_CACHE_TTL_MS } from './modules/tokens/token-verifier';
import { DEFAULT_PRICES, parsePriceTable } from './modules/spending/prices';
import type { PriceTable } from './modules/spending/prices';
import { readFileSync } from 'node:fs';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL when set; the embedded SQLite file in dataDir otherwise. */
  readonly databaseUrl: string | null;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Secure cookies need HTTPS; on by default unless the server is only reachable over loopback. */
  readonly cookieSecure: boolean;
  /**
   * Which reverse proxies' X-Forwarded-For to believe for the client address (rate limits, audit):
   * none (false), the nearest N hops, or the proxies at these addresses/CIDRs. Never every hop,
   * which would let any client pick the address its limits are counted under.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Every rate limit (plugins/rate-limit.ts); null: off. */
  readonly rateLimits: RateLimitSettings;
  /** How often expired sessions and ended rate-limit windows are deleted, in milliseconds. */
  readonly sweepIntervalMs: number;
  readonly sessionTtlHours: number;
  /**
   * How long a verified token may be trusted from one process's memory, in milliseconds (0:
   * never cached). Revocation reaches every process at once through LISTEN/NOTIFY; this bounds
   * what a notification lost with its connection can cost.
   */
  readonly authCacheTtlMs: number;
  /** Where each provider's API is (QONDUIT_PROVIDER_<ID>_URL); the proxy reaches only these. */
  readonly providerUrls: ProviderUrls;
  /**
   * Operator-provided credentials per provider (QONDUIT_PLATFORM_CREDENTIALS_<ID>, a JSON object
   * of the catalog's fields): the last resort of token resolution; backends then show PAY_PER_USE.
   */
  readonly platformCredentials: Readonly<Partial<Record<ProviderId, Readonly<Record<string, string>>>>>;
  /**
   * Prices per backend that estimate each job's cost (modules/spending/prices.ts), with the date
   * they were taken; QONDUIT_PRICES_FILE or QONDUIT_PRICES replaces entries of the built-in table.
   */
  readonly prices: PriceTable;
  /** How often the job worker looks for work, in milliseconds. */
  readonly workerIntervalMs: number;
  /** How long a worker may hold a job before another process may take it over (crash recovery). */
  readonly workerLeaseMs: number;
  /** How many job steps (provider calls, simulations) one process runs at once. */
  readonly workerConcurrency: number;
  /** Worker threads for the local simulator (default: cores − 1, at least 1). */
  readonly simulatorWorkers: number;
  /** Wall-clock limit of one simulation; past it the worker is terminated and the job fails. */
  readonly simulatorDeadlineMs: number;
  /** Largest simulation accepted, as operations × 2^qubits. */
  readonly simulatorMaxWork: number;
  /** Jobs one account may have waiting to start (PENDING); beyond it submissions answer 429. */
  readonly jobsMaxQueuedPerAccount: number;
  /** Jobs one account may have started at once; further ones wait in the queue. */
  readonly jobsMaxRunningPerAccount: number;
  /** The built web UI to serve at `/` (packages/web/dist by default). */
  readonly webDir: string;
  /** Token notices by e-mail (QONDUIT_SMTP_URL, smtp:// or smtps://; it may carry a password): null: no e-mail. */
  readonly smtpUrl: string | null;
  /** The sender of notice e-mails (QONDUIT_SMTP_FROM). */
  readonly smtpFrom: string;
  /** Where people reach this server, for links in notices and the calendar feed's URL (QONDUIT_PUBLIC_URL). */
  readonly publicUrl: string;
  /**
   * Let notice webhooks reach private, loopback and link-local addresses (and plain http on
   * loopback): off by default, so that a webhook URL cannot probe the server's own network.
   */
  readonly webhookAllowPrivate: boolean;
  /** Revoke personal access tokens unused for this many days (with a notice first); null: off (the default). */
  readonly tokenInactiveDays: number | null;
  /** Expired and revoked tokens leave token lists this many days after they ended (the audit log keeps them). */
  readonly tokenListRetentionDays: number;
  /**
   * Step-up: how long after its last proof of identity (password, second factor, single sign-on)
   * a web session may still do what hands out or spends credentials (QONDUIT_STEP_UP_MINUTES).
   */
  readonly stepUpMinutes: number;
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

function prices(env: NodeJS.ProcessEnv): PriceTable {
  const file = env.QONDUIT_PRICES_FILE;
  const inline = env.QONDUIT_PRICES;
  if (file && inline) throw new ConfigError('QONDUIT_PRICES', 'set either QONDUIT_PRICES or QONDUIT_PRICES_FILE, not both');
  const name = file ? 'QONDUIT_PRICES_FILE' : 'QONDUIT_PRICES';
  let text: string;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(name, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  } else if (inline) {
    text = inline;
  } else {
    return DEFAULT_PRICES;
  }
  if (text.length > 100_000) throw new ConfigError(name, 'the price table is larger than 100 kB');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(name, 'expected JSON: {"as_of": "YYYY-MM-DD", "backends": {"<backend id>": {"per_task": 0.3, "per_shot": 0.03}}}');
  }
  const checked = parsePriceTable(parsed);
  if (!checked.ok) throw new ConfigError(name, checked.problem);
  return checked.table;
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

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

// proxy-addr's names for the private ranges Fastify understands beside addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function trustProxy(env: NodeJS.ProcessEnv): Config['trustProxy'] {
  const name = 'QONDUIT_TRUST_PROXY';
  const raw = (env[name] ?? '').trim();
  if (raw === '' || ['false', 'no', 'off', '0'].includes(raw.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(raw.toLowerCase())) {
    throw new ConfigError(
      name,
      'trusting every X-Forwarded-For hop lets any client choose the address its rate limits count; ' +
        'give the number of proxies in front of Qonduit (e.g. 1) or their addresses (e.g. 10.0.0.5,10.1.0.0/16)',
    );
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) throw new ConfigError(name, `expected 1 to 10 proxy hops, got ${hops}`);
    return hops;
  }
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.has(entry)) continue;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !validPrefix || extra !== undefined) {
      throw new ConfigError(name, `"${entry}" is not a hop count, an IP address or a CIDR range (e.g. 10.0.0.0/8)`);
    }
  }
  return Object.freeze(entries);
}

function rateLimits(env: NodeJS.ProcessEnv): RateLimitSettings {
  const settings = {} as Record<(typeof RATE_LIMIT_NAMES)[number], RateLimitSetting | null>;
  for (const limit of RATE_LIMIT_NAMES) {
    const name = `QONDUIT_RATE_LIMIT_${limit.toUpperCase()}`;
    const raw = (env[name] ?? '').trim();
    const fallback = RATE_LIMIT_DEFAULTS[limit];
    if (raw === '') {
      settings[limit] = { points: fallback.points, seconds: fallback.seconds };
      continue;
    }
    if (raw.toLowerCase() === 'off') {
      settings[limit] = null;
      continue;
    }
    const match = /^(\d{1,7})\/(\d{1,6})$/.exec(raw);
    const points = Number(match?.[1]);
    const seconds = Number(match?.[2]);
    if (!match || points < 1 || seconds < 1 || seconds > 86_400) {
      throw new ConfigError(name, `expected <attempts>/<seconds> (e.g. ${fallback.points}/${fallback.seconds}, at most a day) or off, got "${raw}"`);
    }
    settings[limit] = { points, seconds };
  }
  return Object.freeze(settings);
}

// Never quote the SMTP URL in a message: it may carry the mail account's password.
function smtpUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = (env.QONDUIT_SMTP_URL ?? '').trim();
  if (raw === '') return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || !['smtp:', 'smtps:'].includes(url.protocol) || url.hostname === '' || raw.length > 2000) {
    throw new ConfigError('QONDUIT_SMTP_URL', 'expected smtp://[user:password@]host[:port] or smtps://...');
  }
  return raw;
}

function smtpFrom(env: NodeJS.ProcessEnv, enabled: boolean): string {
  const raw = (env.QONDUIT_SMTP_FROM ?? '').trim();
  if (raw === '') {
    if (enabled) throw new ConfigError('QONDUIT_SMTP_FROM', 'the sender address of notice e-mails is needed with QONDUIT_SMTP_URL');
    return '';
  }
  // An address, or a display name with the address in angle brackets; no line breaks (header injection).
  if (raw.length > 254 || !/^([^<>\r\n]{0,100}<)?[^\s@<>]+@[^\s@<>]+(>)?$/.test(raw) || /[\r\n]/.test(raw)) {
    throw new ConfigError('QONDUIT_SMTP_FROM', `expected an e-mail address (e.g. Qonduit <noreply@example.com>), got "${raw.slice(0, 100)}"`);
  }
  return raw;
}

function publicUrl(env: NodeJS.ProcessEnv, host: string, port: number): string {
  const raw = (env.QONDUIT_PUBLIC_URL ?? '').trim();
  if (raw === '') return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || raw.length > 500) {
    throw new ConfigError('QONDUIT_PUBLIC_URL', `expected an http(s) URL without credentials, got "${raw.slice(0, 100)}"`);
  }
  return raw.replace(/\/+$/, '');
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
  const port = integer(env, 'QONDUIT_PORT', 8080, 0, 65535);
  const smtp = smtpUrl(env);
  const inactiveDays = integer(env, 'QONDUIT_TOKEN_INACTIVE_DAYS', 0, 0, 3650);
  let providerUrls: ProviderUrls;
  try {
    providerUrls = providerUrlsFromEnv(env);
  } catch (err) {
    if (err instanceof ProviderUrlError) throw new ConfigError(err.variable, err.message.slice(err.variable.length + 1));
    throw err;
  }
  return Object.freeze({
    port,
    host,
    dataDir: path.resolve(env.QONDUIT_DATA_DIR || './data'),
    databaseUrl,
    logLevel: logLevel as Config['logLevel'],
    cookieSecure: bool(env, 'QONDUIT_COOKIE_SECURE', !isLoopbackHost(host)),
    trustProxy: trustProxy(env),
    rateLimits: rateLimits(env),
    sweepIntervalMs: integer(env, 'QONDUIT_SWEEP_INTERVAL_MS', 10 * 60_000, 1000, 24 * 3_600_000),
    sessionTtlHours: integer(env, 'QONDUIT_SESSION_TTL_HOURS', 24 * 14, 1, 24 * 365),
    authCacheTtlMs: integer(env, 'QONDUIT_AUTH_CACHE_TTL_MS', DEFAULT_AUTH_CACHE_TTL_MS, 0, 3_600_000),
    providerUrls,
    platformCredentials: platformCredentials(env),
    prices: prices(env),
    workerIntervalMs: integer(env, 'QONDUIT_WORKER_INTERVAL_MS', 500, 10, 60_000),
    workerLeaseMs: integer(env, 'QONDUIT_WORKER_LEASE_MS', 60_000, 1000, 3_600_000),
    workerConcurrency: integer(env, 'QONDUIT_WORKER_CONCURRENCY', 8, 1, 256),
    simulatorWorkers: integer(env, 'QONDUIT_SIMULATOR_WORKERS', Math.max(1, availableParallelism() - 1), 1, 256),
    simulatorDeadlineMs: integer(env, 'QONDUIT_SIMULATOR_DEADLINE_MS', 60_000, 100, 3_600_000),
    simulatorMaxWork: integer(env, 'QONDUIT_SIMULATOR_MAX_WORK', MAX_SIMULATION_WORK, 1, Number.MAX_SAFE_INTEGER),
    jobsMaxQueuedPerAccount: integer(env, 'QONDUIT_JOBS_MAX_QUEUED_PER_ACCOUNT', 100, 1, 1_000_000),
    jobsMaxRunningPerAccount: integer(env, 'QONDUIT_JOBS_MAX_RUNNING_PER_ACCOUNT', 10, 1, 100_000),
    webDir: env.QONDUIT_WEB_DIR ? path.resolve(env.QONDUIT_WEB_DIR) : DEFAULT_WEB_DIR,
    smtpUrl: smtp,
    smtpFrom: smtpFrom(env, smtp !== null),
    publicUrl: publicUrl(env, host, port),
    webhookAllowPrivate: bool(env, 'QONDUIT_WEBHOOK_ALLOW_PRIVATE', false),
    tokenInactiveDays: inactiveDays === 0 ? null : inactiveDays,
    tokenListRetentionDays: integer(env, 'QONDUIT_TOKEN_LIST_RETENTION_DAYS', 30, 0, 3650),
    stepUpMinutes: integer(env, 'QONDUIT_STEP_UP_MINUTES', 10, 1, 24 * 60),
  });
}
