// The CLI's config file, read by the SDK too so that a script finds the token `qonduit login`
// saved. Only the CLI writes it. Browser-safe: Node modules are reached through
// `process.getBuiltinModule` at call time, never imported, so a bundler has nothing to resolve.

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** The account the CLI acts for: the personal account, or an organization. */
export interface CliContext {
  id: string;
  name: string;
  organization: boolean;
}

export interface CliConfig {
  url?: string;
  token?: string;
  context?: CliContext | null;
}

export type Env = Readonly<Record<string, string | undefined>>;

interface NodeProcessLike {
  env: Env;
  platform: string;
  getBuiltinModule?: (id: string) => unknown;
}

interface FsLike {
  readFileSync(path: string, encoding: 'utf8'): string;
}

interface OsLike {
  homedir(): string;
}

/** The Node.js process, or null in a browser (where the SDK uses only its options). */
export function nodeProcess(): NodeProcessLike | null {
  const candidate = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return candidate?.versions?.node ? (candidate as NodeProcessLike) : null;
}

function builtin<T>(id: string): T | null {
  const proc = nodeProcess();
  // getBuiltinModule arrived in Node 20.16; on older versions the config file is not read.
  return (proc?.getBuiltinModule?.(id) as T | undefined) ?? null;
}

/** `$XDG_CONFIG_HOME/qonduit` (default `~/.config/qonduit`). */
export function configDir(env: Env): string | null {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg) return `${xdg.replace(/\/+$/, '')}/qonduit`;
  const home = env.HOME ?? env.USERPROFILE ?? builtin<OsLike>('node:os')?.homedir();
  return home ? `${home.replace(/\/+$/, '')}/.config/qonduit` : null;
}

export function configFilePath(env: Env): string | null {
  const dir = configDir(env);
  return dir ? `${dir}/config.json` : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads what it recognises and ignores the rest, so that a hand-edited file still works. */
export function parseCliConfig(text: string): CliConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isRecord(data)) return {};
  const config: CliConfig = {};
  if (typeof data.url === 'string') config.url = data.url;
  if (typeof data.token === 'string') config.token = data.token;
  const ctx = data.context;
  if (isRecord(ctx) && typeof ctx.id === 'string' && typeof ctx.name === 'string' && typeof ctx.organization === 'boolean') {
    config.context = { id: ctx.id, name: ctx.name, organization: ctx.organization };
  }
  return config;
}

/** Whether two base URLs name the same server (trailing slashes and letter case aside). */
export function sameServer(a: string, b: string): boolean {
  const norm = (url: string) => url.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** The config file's content, or an empty config when there is none (or outside Node). */
export function readCliConfig(path: string | null): CliConfig {
  const fs = builtin<FsLike>('node:fs');
  if (!fs || !path) return {};
  try {
    return parseCliConfig(fs.readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}
