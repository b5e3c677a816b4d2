import { DEFAULT_BASE_URL, NotFoundError, Qonduit, sameServer } from '@qonduit/sdk';
import type { CliConfig, Organization } from '@qonduit/sdk';
import { createConfigStore } from './config';
import type { ConfigStore } from './config';
import { CliError, EXIT, usageError } from './errors';
import type { ErrorSituation, ExitCode } from './errors';
import type { CliIo } from './io';

export const CLI_VERSION = '0.1.0';

export interface GlobalOptions {
  url?: string | undefined;
}

export interface ActingAccount {
  /** null: the personal account. */
  id: string | null;
  name: string;
}

import { UUID } from './ids';

/**
 * What every command works with: the streams, the config file, and an SDK client built from
 * flags, environment and config, in that order of precedence.
 */
export class CommandContext {
  readonly io: CliIo;
  globals: GlobalOptions = {};
  /** A command that succeeded but has news for scripts (scan found tokens) sets this. */
  exitCode: ExitCode = EXIT.ok;
  #store: ConfigStore | null = null;
  #config: CliConfig | null = null;

  constructor(io: CliIo) {
    this.io = io;
  }

  get store(): ConfigStore {
    this.#store ??= createConfigStore(this.io.env);
    return this.#store;
  }

  config(): CliConfig {
    this.#config ??= this.store.read();
    return this.#config;
  }

  saveConfig(config: CliConfig): void {
    this.store.write(config);
    this.#config = config;
  }

  /** --url, then QONDUIT_URL, then the saved URL, then the local default. */
  url(): string {
    return (this.globals.url || this.io.env.QONDUIT_URL || this.config().url || DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  /** QONDUIT_TOKEN, then the token saved for this server (it is never sent to another one). */
  token(): { value: string; source: 'env' | 'config' } | null {
    if (this.io.env.QONDUIT_TOKEN) return { value: this.io.env.QONDUIT_TOKEN, source: 'env' };
    const { token, url } = this.config();
    return token && sameServer(url ?? DEFAULT_BASE_URL, this.url()) ? { value: token, source: 'config' } : null;
  }

  situation(): ErrorSituation {
    let tokenSource: ErrorSituation['tokenSource'] = null;
    try {
      tokenSource = this.token()?.source ?? null;
    } catch {
      // No config location: nothing to point at.
    }
    return { url: this.safeUrl(), tokenSource };
  }

  safeUrl(): string {
    try {
      return this.url();
    } catch {
      return this.globals.url ?? DEFAULT_BASE_URL;
    }
  }

  now(): Date {
    return this.io.now?.() ?? new Date();
  }

  /** An SDK client; without a token it refuses to start unless `anonymous` (scan --revoke). */
  client(options: { organizationId?: string | null; token?: string; anonymous?: boolean; baseUrl?: string } = {}): Qonduit {
    // Anonymous means no token at all: a password sign-in must start a web session, not act as the saved token.
    const token = options.token ?? (options.anonymous ? null : (this.token()?.value ?? null));
    if (!token && !options.anonymous) {
      const saved = this.config();
      if (saved.token && saved.url && !sameServer(saved.url, this.url())) {
        throw new CliError(`not logged in to ${this.url()} (the saved token is for ${saved.url})`, {
          exitCode: EXIT.authentication,
          hint: `run \`qonduit login --url ${this.url()}\` (or set QONDUIT_TOKEN)`,
        });
      }
      throw new CliError('not logged in', { exitCode: EXIT.authentication, hint: 'run `qonduit login` (or set QONDUIT_TOKEN)' });
    }
    return new Qonduit({
      baseUrl: options.baseUrl ?? this.url(),
      token,
      organizationId: options.organizationId ?? null,
      env: {},
      configFile: null,
      userAgent: `qonduit-cli/${CLI_VERSION}`,
      fetch: this.#stoppableFetch(),
    });
  }

  /** fetch that Ctrl-C (the io's signal) stops, so that no command hangs on a slow server. */
  #stoppableFetch(): typeof fetch {
    const base = this.io.fetch ?? globalThis.fetch.bind(globalThis);
    const stop = this.io.signal;
    if (!stop) return base;
    return (input, init) => base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stop]) : stop });
  }

  /**
   * The account a command acts for: --org (an id or a name), then QONDUIT_ORGANIZATION_ID,
   * then the current context (`qonduit context use`); otherwise the personal account.
   */
  async actingAccount(flag: string | undefined): Promise<ActingAccount> {
    if (flag?.toLowerCase() === 'personal') return { id: null, name: 'your personal account' };
    if (flag) return this.findOrganization(flag);
    const fromEnv = this.io.env.QONDUIT_ORGANIZATION_ID;
    if (fromEnv) return { id: fromEnv, name: fromEnv };
    const context = this.config().context;
    if (context?.organization) return { id: context.id, name: context.name };
    return { id: null, name: 'your personal account' };
  }

  /** An organization by id, slug, or name (case-insensitive) among those you belong to. */
  async findOrganization(idOrName: string): Promise<{ id: string; name: string }> {
    const client = this.client();
    if (UUID.test(idOrName)) {
      try {
        const org = await client.orgs.get(idOrName);
        return { id: org.id, name: org.name };
      } catch (err) {
        if (err instanceof NotFoundError) throw new CliError(`no organization ${idOrName} among yours`, { hint: 'list them with `qonduit orgs list`' });
        throw err;
      }
    }
    const wanted = idOrName.toLowerCase();
    const matches: Organization[] = [];
    for await (const org of client.orgs.iterate()) {
      // A slug is unique; a name may be shared, then the slug tells them apart.
      if (org.slug === wanted) return { id: org.id, name: org.name };
      if (org.name.toLowerCase() === wanted) matches.push(org);
    }
    const [only, ...more] = matches;
    if (!only) throw new CliError(`no organization named "${idOrName}" among yours`, { hint: 'list them with `qonduit orgs list`' });
    if (more.length > 0) {
      throw usageError(`${matches.length} organizations are named "${idOrName}"`, `use a slug: ${matches.map((o) => o.slug).join(', ')}`);
    }
    return { id: only.id, name: only.name };
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** Messages about what happened (not the data itself) go to stderr, so that stdout stays pipeable. */
  note(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
