import { DEFAULT_BASE_URL, configFilePath, nodeProcess, readCliConfig, sameServer } from './cli-config';
import type { CliConfig, Env } from './cli-config';
import { CookieJar, DEFAULT_RETRY, createTransport } from './http';
import type { RequestOptions, RetryPolicy, Transport } from './http';
import { createJobsApi } from './jobs';
import { createNoticesApi } from './notices';
import { createTokenPolicyApi } from './token-policy';
import type { NoticesApi } from './notices';
import type { JobsApi } from './jobs';
import type {
  Account,
  AddMemberRequest,
  ReauthenticateRequest,
  SecondFactorLoginRequest,
  TotpConfirmed,
  TotpEnrolment,
  TwoFactorStatus,
  AuditEvent,
  AuditEventPage,
  AuditEventQuery,
  Authorization,
  Backend,
  BackendQuery,
  BackendStatus,
  CreateOrganizationRequest,
  CreateTokenRequest,
  Credentials,
  LoginRequest,
  InviteResult,
  Member,
  MemberPage,
  MyInvitation,
  MyInvitationPage,
  NewToken,
  Organization,
  OrganizationPage,
  OrgInvitation,
  OrgInvitationPage,
  PageQuery,
  Provider,
  ProviderToken,
  ProviderTokenPage,
  ProviderTokenVerification,
  RevokeLeakedResult,
  Role,
  RotateTokenRequest,
  UpdateTokenRequest,
  SignupRequest,
  Token,
  TokenListQuery,
  TokenPage,
  User,
  SpendingLimit,
  SpendingLimitRequest,
  Usage,
  UsageQuery,
} from './types';

export const SDK_VERSION = '0.1.0';

export interface QonduitOptions {
  /**
   * A personal access token. Left out: `QONDUIT_TOKEN`, then the CLI's saved token (Node only).
   * `null`: no token at all; the client then uses a cookie session (the web UI's way).
   */
  token?: string | null;
  /** The server's root URL. Left out: `QONDUIT_URL`, the CLI's saved URL, then http://127.0.0.1:8080 (same origin in a browser). */
  baseUrl?: string;
  /**
   * Act for this organization (`X-OrganizationId`). Left out: `QONDUIT_ORGANIZATION_ID`, then
   * the CLI's current context (Node only). `null`: the personal account.
   */
  organizationId?: string | null;
  fetch?: typeof fetch;
  /** The environment to read; defaults to `process.env` in Node and to nothing in a browser. */
  env?: Env;
  /** The CLI config file to fall back on; `null` reads none. Defaults to `$XDG_CONFIG_HOME/qonduit/config.json` in Node. */
  configFile?: string | null;
  retry?: Partial<RetryPolicy>;
  /** Browsers: whether to send the session cookie; defaults to 'include' when there is no token. */
  credentials?: RequestCredentials;
  userAgent?: string;
  /** Replaces the waits between retries (tests). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

interface Resolved {
  baseUrl: string;
  token: string | null;
  organizationId: string | null;
  fetch: typeof fetch;
  retry: RetryPolicy;
  credentials: RequestCredentials | undefined;
  userAgent: string | null;
  cookies: CookieJar | null;
  sleep: QonduitOptions['sleep'];
}

export interface OrgOption {
  /** An organization id: its provider tokens (or audit events) instead of your own. */
  org?: string | undefined;
}

interface Paged<T> {
  items: T[];
  next_cursor: string | null;
}

/** Every item of a cursor-paged list, page by page, as they are needed. */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Paged<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    yield* page.items;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

function isBrowser(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

function resolve(options: QonduitOptions): Resolved {
  const proc = nodeProcess();
  const env: Env = options.env ?? proc?.env ?? {};
  let saved: CliConfig | null = null;
  // The config file is read only when something is left to it.
  const config = (): CliConfig => {
    if (saved === null) {
      const path = options.configFile !== undefined ? options.configFile : proc ? configFilePath(env) : null;
      saved = readCliConfig(path);
    }
    return saved;
  };
  const baseUrl = (options.baseUrl ?? (env.QONDUIT_URL || config().url || (proc ? DEFAULT_BASE_URL : ''))).replace(/\/+$/, '');
  // The saved token belongs to the server it was saved for: never send it anywhere else.
  const savedToken = sameServer(config().url ?? DEFAULT_BASE_URL, baseUrl) ? config().token : undefined;
  const token = options.token !== undefined ? options.token : env.QONDUIT_TOKEN || savedToken || null;
  let organizationId: string | null;
  if (options.organizationId !== undefined) organizationId = options.organizationId;
  else if (env.QONDUIT_ORGANIZATION_ID) organizationId = env.QONDUIT_ORGANIZATION_ID;
  else organizationId = config().context?.organization ? (config().context?.id ?? null) : null;

  const browser = isBrowser();
  return {
    baseUrl,
    token,
    organizationId,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    retry: { ...DEFAULT_RETRY, ...options.retry },
    credentials: options.credentials ?? (browser && !token ? 'include' : undefined),
    userAgent: options.userAgent ?? (browser ? null : `qonduit-sdk/${SDK_VERSION}`),
    // Outside a browser nothing keeps cookies, so a password sign-in keeps them here.
    cookies: !token && !browser ? new CookieJar() : null,
    sleep: options.sleep,
  };
}

const enc = encodeURIComponent;

/** Sign-up, sign-in and sign-out with a password: a cookie session, as in the web UI. */
function createAuthApi(request: Transport) {
  return {
    signup: (body: SignupRequest, options?: RequestOptions) =>
      request<User>({ method: 'POST', path: '/api/v1/auth/signup', body, authenticate: false }, options),
    login: (body: LoginRequest, options?: RequestOptions) =>
      request<User>({ method: 'POST', path: '/api/v1/auth/login', body, authenticate: false }, options),
    logout: async (options?: RequestOptions) => {
      await request<unknown>({ method: 'POST', path: '/api/v1/auth/logout' }, options);
    },
    /** Finishes a sign-in that threw SecondFactorRequiredError, with a code or a recovery code. */
    loginSecondFactor: (body: SecondFactorLoginRequest, options?: RequestOptions) =>
      request<User>({ method: 'POST', path: '/api/v1/auth/login/second-factor', body, authenticate: false }, options),
    /** Step-up: confirms who you are when an action answered reauthentication_required (web session only). */
    reauthenticate: (body: ReauthenticateRequest, options?: RequestOptions) =>
      request<{ authenticated_at: string }>({ method: 'POST', path: '/api/v1/auth/reauthenticate', body }, options),
    /** Checks the client's token, as PlanQK's CLI does at login. */
    authorize: (options?: RequestOptions) => request<Authorization>({ method: 'POST', path: '/authorize' }, options),
  };
}

function createUserApi(request: Transport) {
  const listInvitations = (query: PageQuery = {}, options?: RequestOptions) =>
    request<MyInvitationPage>({ method: 'GET', path: '/api/v1/user/invitations', query: { ...query } }, options);
  return {
    get: (options?: RequestOptions) => request<User>({ method: 'GET', path: '/api/v1/user' }, options),
    /** Second factors (Settings → Sign-in and security); adding and removing need a recent web session. */
    twoFactor: {
      status: (options?: RequestOptions) => request<TwoFactorStatus>({ method: 'GET', path: '/api/v1/user/two-factor' }, options),
      /** Starts adding an authenticator app: its secret and QR code, shown once. */
      enrolTotp: (body: { name?: string } = {}, options?: RequestOptions) => request<TotpEnrolment>({ method: 'POST', path: '/api/v1/user/two-factor/totp', body }, options),
      /** Confirms it with one code; the first factor also answers ten recovery codes. */
      confirmTotp: (id: string, code: string, options?: RequestOptions) =>
        request<TotpConfirmed>({ method: 'POST', path: `/api/v1/user/two-factor/totp/${enc(id)}/confirm`, body: { code } }, options),
      remove: async (id: string, options?: RequestOptions) => {
        await request<unknown>({ method: 'DELETE', path: `/api/v1/user/two-factor/factors/${enc(id)}` }, options);
      },
      regenerateRecoveryCodes: (options?: RequestOptions) => request<{ recovery_codes: string[] }>({ method: 'POST', path: '/api/v1/user/two-factor/recovery-codes' }, options),
    },
    /** Invitations to organizations addressed to your e-mail, still open. */
    invitations: {
      list: listInvitations,
      iterate: (options?: RequestOptions): AsyncGenerator<MyInvitation> =>
        paginate((cursor) => listInvitations(cursor ? { cursor } : {}, options)),
      /** Joins the organization in the invited role; accepting again answers the same. */
      accept: (id: string, options?: RequestOptions) =>
        request<Organization>({ method: 'POST', path: `/api/v1/user/invitations/${enc(id)}/accept` }, options),
      decline: async (id: string, options?: RequestOptions) => {
        await request<unknown>({ method: 'POST', path: `/api/v1/user/invitations/${enc(id)}/decline` }, options);
      },
    },
  };
}

/** Personal access tokens. */
function createTokensApi(request: Transport) {
  const list = (query: TokenListQuery = {}, options?: RequestOptions) =>
    request<TokenPage>({ method: 'GET', path: '/api/v1/user/tokens', query: { ...query } }, options);
  return {
    list,
    /** Every token, following the pages. */
    iterate: (query: Omit<TokenListQuery, 'cursor'> = {}, options?: RequestOptions): AsyncGenerator<Token> =>
      paginate((cursor) => list({ ...query, ...(cursor ? { cursor } : {}) }, options)),
    get: (id: string, options?: RequestOptions) => request<Token>({ method: 'GET', path: `/api/v1/user/tokens/${enc(id)}` }, options),
    /** The token this client authenticates with. */
    self: (options?: RequestOptions) => request<Token>({ method: 'GET', path: '/api/v1/user/tokens/self' }, options),
    /** The answer holds the secret (`token`): it is shown only this once. */
    create: (body: CreateTokenRequest, options?: RequestOptions) =>
      request<NewToken>({ method: 'POST', path: '/api/v1/user/tokens', body }, options),
    revoke: async (id: string, options?: RequestOptions) => {
      await request<unknown>({ method: 'DELETE', path: `/api/v1/user/tokens/${enc(id)}` }, options);
    },
    /** Revokes the token and issues its successor (same name and scopes); the answer holds the new secret. */
    rotate: (id: string, body: RotateTokenRequest = {}, options?: RequestOptions) =>
      request<NewToken>({ method: 'POST', path: `/api/v1/user/tokens/${enc(id)}/rotate`, body }, options),
    /** Changes where the token may be used from (`allowed_ips`: CIDRs, or null for anywhere). */
    update: (id: string, body: UpdateTokenRequest, options?: RequestOptions) =>
      request<Token>({ method: 'PATCH', path: `/api/v1/user/tokens/${enc(id)}`, body }, options),
    /** Revokes leaked tokens whoever owns them; needs no authentication and tells only how many. */
    revokeLeaked: (tokens: string[], options?: RequestOptions) =>
      request<RevokeLeakedResult>({ method: 'POST', path: '/api/v1/tokens/revoke', body: { tokens }, authenticate: false }, options),
  };
}

/** Organizations and their members. */
function createOrgsApi(request: Transport) {
  const base = (org: string) => `/api/v1/orgs/${enc(org)}`;
  const list = (query: PageQuery = {}, options?: RequestOptions) =>
    request<OrganizationPage>({ method: 'GET', path: '/api/v1/orgs', query: { ...query } }, options);
  const listMembers = (org: string, query: PageQuery = {}, options?: RequestOptions) =>
    request<MemberPage>({ method: 'GET', path: `${base(org)}/members`, query: { ...query } }, options);
  const listInvitations = (org: string, query: PageQuery = {}, options?: RequestOptions) =>
    request<OrgInvitationPage>({ method: 'GET', path: `${base(org)}/invitations`, query: { ...query } }, options);
  return {
    list,
    iterate: (options?: RequestOptions): AsyncGenerator<Organization> => paginate((cursor) => list(cursor ? { cursor } : {}, options)),
    get: (org: string, options?: RequestOptions) => request<Organization>({ method: 'GET', path: base(org) }, options),
    create: (body: CreateOrganizationRequest, options?: RequestOptions) =>
      request<Organization>({ method: 'POST', path: '/api/v1/orgs', body }, options),
    rename: (org: string, name: string, options?: RequestOptions) =>
      request<Organization>({ method: 'PATCH', path: base(org), body: { name } }, options),
    delete: async (org: string, options?: RequestOptions) => {
      await request<unknown>({ method: 'DELETE', path: base(org) }, options);
    },
    members: {
      list: listMembers,
      iterate: (org: string, options?: RequestOptions): AsyncGenerator<Member> =>
        paginate((cursor) => listMembers(org, cursor ? { cursor } : {}, options)),
      /**
       * Invites someone by e-mail; they become a member when they accept. The answer is the
       * same whether or not the e-mail has an account.
       */
      add: (org: string, body: AddMemberRequest, options?: RequestOptions) =>
        request<InviteResult>({ method: 'POST', path: `${base(org)}/members`, body }, options),
      setRole: (org: string, userId: string, role: Role, options?: RequestOptions) =>
        request<Member>({ method: 'PATCH', path: `${base(org)}/members/${enc(userId)}`, body: { role } }, options),
      remove: async (org: string, userId: string, options?: RequestOptions) => {
        await request<unknown>({ method: 'DELETE', path: `${base(org)}/members/${enc(userId)}` }, options);
      },
    },
    /**
     * What the organization's provider tokens were spent on in a month (`{ month: 'YYYY-MM' }`, UTC;
     * default this month): per provider with its limits, and per member. Every member may read it.
     */
    usage: (org: string, query: UsageQuery = {}, options?: RequestOptions) =>
      request<Usage>({ method: 'GET', path: `${base(org)}/usage`, query: { ...query } }, options),
    /** Monthly limits on what members and the organization may spend of each provider token. */
    spendingLimits: {
      list: (org: string, options?: RequestOptions) => request<SpendingLimit[]>({ method: 'GET', path: `${base(org)}/spending-limits` }, options),
      get: (org: string, provider: string, options?: RequestOptions) =>
        request<SpendingLimit>({ method: 'GET', path: `${base(org)}/spending-limits/${enc(provider)}` }, options),
      /** Replaces every limit on the provider's token (owners and maintainers); a limit left out is none. */
      set: (org: string, provider: string, body: SpendingLimitRequest, options?: RequestOptions) =>
        request<SpendingLimit>({ method: 'PUT', path: `${base(org)}/spending-limits/${enc(provider)}`, body }, options),
      remove: async (org: string, provider: string, options?: RequestOptions) => {
        await request<unknown>({ method: 'DELETE', path: `${base(org)}/spending-limits/${enc(provider)}` }, options);
      },
    },
    /** The organization's token policy: what a personal access token must be to act for it. */
    tokenPolicy: createTokenPolicyApi(request),
    /** The organization's open invitations (pending or expired); owners revoke them. */
    invitations: {
      list: listInvitations,
      iterate: (org: string, options?: RequestOptions): AsyncGenerator<OrgInvitation> =>
        paginate((cursor) => listInvitations(org, cursor ? { cursor } : {}, options)),
      revoke: async (org: string, id: string, options?: RequestOptions) => {
        await request<unknown>({ method: 'DELETE', path: `${base(org)}/invitations/${enc(id)}` }, options);
      },
    },
  };
}

/** The accounts you can act for (PlanQK's `/my/accounts`): yours first, then each organization. */
function createAccountsApi(request: Transport) {
  return {
    list: (options?: RequestOptions) => request<Account[]>({ method: 'GET', path: '/my/accounts' }, options),
  };
}

/** The provider catalog: each provider's credential fields and where to get a token. */
function createProvidersApi(request: Transport) {
  return {
    list: (options?: RequestOptions) => request<Provider[]>({ method: 'GET', path: '/api/v1/providers' }, options),
  };
}

/** Provider access tokens: yours, or an organization's with `{ org }`. The API never returns a secret. */
function createProviderTokensApi(request: Transport) {
  const base = (where: OrgOption = {}) => (where.org ? `/api/v1/orgs/${enc(where.org)}/provider-tokens` : '/api/v1/user/provider-tokens');
  return {
    list: async (where?: OrgOption, options?: RequestOptions) =>
      (await request<ProviderTokenPage>({ method: 'GET', path: base(where) }, options)).items,
    get: (provider: string, where?: OrgOption, options?: RequestOptions) =>
      request<ProviderToken>({ method: 'GET', path: `${base(where)}/${enc(provider)}` }, options),
    /** Adds or replaces the token for a provider; field names come from `providers.list()`. */
    set: (provider: string, credentials: Credentials, where?: OrgOption, options?: RequestOptions) =>
      request<ProviderToken>({ method: 'PUT', path: `${base(where)}/${enc(provider)}`, body: { credentials } }, options),
    remove: async (provider: string, where?: OrgOption, options?: RequestOptions) => {
      await request<unknown>({ method: 'DELETE', path: `${base(where)}/${enc(provider)}` }, options);
    },
    /** Checks the stored token against the provider now. */
    verify: (provider: string, where?: OrgOption, options?: RequestOptions) =>
      request<ProviderTokenVerification>({ method: 'POST', path: `${base(where)}/${enc(provider)}/verify` }, options),
  };
}

/**
 * Audit events, newest first: your account's, or an organization's with `{ org }` (every member).
 * Filters: `actor` (a user id), `action` (one action, or a prefix ending in a dot: `member.`),
 * `since` (inclusive) and `until` (exclusive), each a date or a date-time.
 */
function createAuditApi(request: Transport) {
  const list = (query: AuditEventQuery & OrgOption = {}, options?: RequestOptions) => {
    const { org, ...filters } = query;
    const path = org ? `/api/v1/orgs/${enc(org)}/audit-events` : '/api/v1/user/audit-events';
    return request<AuditEventPage>({ method: 'GET', path, query: { ...filters } }, options);
  };
  return {
    list,
    iterate: (where: Omit<AuditEventQuery, 'cursor'> & OrgOption = {}, options?: RequestOptions): AsyncGenerator<AuditEvent> =>
      paginate((cursor) => list({ ...where, ...(cursor ? { cursor } : {}) }, options)),
  };
}

/** Quantum backends; `status` tells whether this client's account has a usable token for it. */
function createBackendsApi(request: Transport) {
  const path = (id: string) => `/quantum/backends/${enc(id)}`;
  return {
    list: (query: BackendQuery = {}, options?: RequestOptions) =>
      request<Backend[]>({ method: 'GET', path: '/quantum/backends', query: { ...query } }, options),
    get: (id: string, options?: RequestOptions) => request<Backend>({ method: 'GET', path: path(id) }, options),
    status: (id: string, options?: RequestOptions) => request<BackendStatus>({ method: 'GET', path: `${path(id)}/status` }, options),
  };
}

/**
 * The Qonduit API client. Each instance keeps its own credentials and organization, so two
 * clients for two organizations can be used side by side.
 *
 * ```ts
 * const qonduit = new Qonduit({ token: process.env.QONDUIT_TOKEN });
 * const { result } = await qonduit.jobs.run(qasm, { backend: 'local.simulator', shots: 1000 });
 * ```
 */
// Not exported: only withOrganization() hands resolved settings to the constructor.
const RESOLVED = Symbol('resolved');

export class Qonduit {
  readonly baseUrl: string;
  readonly organizationId: string | null;
  /** How this client authenticates: a personal access token, or a cookie session. */
  readonly authentication: 'token' | 'session';
  readonly auth: ReturnType<typeof createAuthApi>;
  readonly user: ReturnType<typeof createUserApi>;
  readonly tokens: ReturnType<typeof createTokensApi>;
  readonly orgs: ReturnType<typeof createOrgsApi>;
  readonly accounts: ReturnType<typeof createAccountsApi>;
  readonly providers: ReturnType<typeof createProvidersApi>;
  readonly providerTokens: ReturnType<typeof createProviderTokensApi>;
  readonly audit: ReturnType<typeof createAuditApi>;
  readonly backends: ReturnType<typeof createBackendsApi>;
  readonly jobs: JobsApi;
  /** Notices about expiring, unused and failing tokens; their webhook; the calendar feed of expiries. */
  readonly notices: NoticesApi;
  readonly #settings: Resolved;

  constructor(options: QonduitOptions = {}) {
    const settings = (options as { [RESOLVED]?: Resolved })[RESOLVED] ?? resolve(options);
    this.#settings = settings;
    this.baseUrl = settings.baseUrl;
    this.organizationId = settings.organizationId;
    this.authentication = settings.token ? 'token' : 'session';
    const request = createTransport(settings);
    this.auth = createAuthApi(request);
    this.user = createUserApi(request);
    this.tokens = createTokensApi(request);
    this.orgs = createOrgsApi(request);
    this.accounts = createAccountsApi(request);
    this.providers = createProvidersApi(request);
    this.providerTokens = createProviderTokensApi(request);
    this.audit = createAuditApi(request);
    this.backends = createBackendsApi(request);
    this.jobs = createJobsApi(request);
    this.notices = createNoticesApi(request);
  }

  /**
   * The same client (token, URL, session cookies) acting for another organization, or (null)
   * for the personal account; this client keeps its own.
   */
  withOrganization(organizationId: string | null): Qonduit {
    return new Qonduit({ [RESOLVED]: { ...this.#settings, organizationId } } as QonduitOptions);
  }
}
