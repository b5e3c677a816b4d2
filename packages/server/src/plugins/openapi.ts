import { createHash } from 'node:crypto';
import swagger from '@fastify/swagger';
import type {
  FastifyDynamicSwaggerOptions,
  SwaggerTransform,
  SwaggerTransformObject,
} from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import { ERROR_STATUS, ErrorResponse, ROLES, SCOPES } from '@qonduit/contract';
import type { ErrorBody, ErrorCode } from '@qonduit/contract';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE, scopesSatisfying } from './auth';
import type { Access } from './auth';
import { RATE_LIMIT_DEFAULTS } from './rate-limit';
import type { RateLimitName } from './rate-limit';

// The OpenAPI document is derived from the routes: each route's `config.access` (auth.ts) becomes
// the operation's `security`, and its error answers are written out here, in one place, so that
// no route has to repeat what the authentication hook and the error handler already decide.

export const DOCS_PREFIX = '/docs';
export const DOCS_TITLE = 'Qonduit API reference';

export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'qdp_… personal access token',
    description:
      'A personal access token in `Authorization: Bearer qdp_…`. Its scopes are listed on each operation.',
  },
  xAuthToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Auth-Token',
    description:
      "The same personal access token in PlanQK's header, `X-Auth-Token: qdp_…` (what PlanQK's CLI and SDK send).",
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      `The web UI's session cookie, set by sign-up and sign-in; it acts with every scope. Every write (POST, PUT, PATCH, DELETE) ` +
      `made with it must also send the value of the readable \`${CSRF_COOKIE}\` cookie in the \`X-CSRF-Token\` header, or it is refused with 403 \`csrf_failed\`.`,
  },
} as const;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;
export type SecurityRequirement = Partial<Record<SecuritySchemeName, string[]>>;

/**
 * The OpenAPI security of a route, from its `config.access`. Any one requirement of the list
 * suffices; the scope list of a requirement is what a token must hold (OpenAPI 3.1 lets non-OAuth
 * schemes list such "roles"). `api` implies `read_api`, so a read lists both, one per requirement.
 */
export function securityFor(access: Access): SecurityRequirement[] {
  if (access === 'public') return [];
  if (access === 'authenticated') return [{ bearer: [] }, { xAuthToken: [] }, { session: [] }];
  const satisfying = scopesSatisfying(access);
  return [
    ...satisfying.map((s) => ({ bearer: [s] })),
    ...satisfying.map((s) => ({ xAuthToken: [s] })),
    { session: typeof access === 'string' ? [access] : [...access] },
  ];
}

function accessSentence(access: Access): string {
  if (access === 'public') return '**Access:** public: no token or session needed.';
  if (access === 'authenticated')
    return '**Access:** any valid personal access token (whatever its scopes) or a signed-in session.';
  const satisfying = scopesSatisfying(access).map((s) => `\`${s}\``);
  return `**Access:** a personal access token with the ${satisfying.join(' or ')} scope, or a signed-in session.`;
}

// Routes that act for an account, and so for the organization named in X-OrganizationId
// (request.orgContext): the quantum API and the provider proxy. Every other authenticated route
// still checks the header (403 for a non-member) but acts on the account its path names.
const ORG_CONTEXT_PREFIXES = ['/quantum/', '/proxy/'];

export function actsForOrganization(url: string): boolean {
  return ORG_CONTEXT_PREFIXES.some((p) => url.startsWith(p));
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Errors a route answers beyond those every route of its kind answers (validation, authentication,
 * scope, not found, rate limits): the conflicts its service reports. Keyed `METHOD url` as the
 * route is declared; a test checks that every key is still a route.
 */
export const ROUTE_ERRORS: Readonly<Record<string, readonly ErrorCode[]>> = {
  'POST /api/v1/auth/signup': ['email_taken'],
  'POST /api/v1/auth/login': ['unauthenticated', 'rate_limited'],
  'POST /api/v1/user/tokens': ['conflict'],
  'POST /api/v1/user/tokens/:id/rotate': ['conflict'],
  'PATCH /api/v1/user/tokens/:id': ['conflict'],
  'POST /api/v1/orgs/:org/members': ['conflict'],
  'PATCH /api/v1/orgs/:org/members/:user_id': ['last_owner'],
  'DELETE /api/v1/orgs/:org/members/:user_id': ['last_owner'],
  'PUT /api/v1/user/provider-tokens/:provider': ['conflict'],
  'PUT /api/v1/orgs/:org/provider-tokens/:provider': ['conflict'],
  'POST /api/v1/user/provider-tokens/:provider/verify': ['provider_error'],
  'POST /api/v1/orgs/:org/provider-tokens/:provider/verify': ['provider_error'],
  'POST /quantum/jobs': ['provider_token_missing', 'unsupported_circuit', 'not_found', 'provider_error', 'job_over_limit', 'spending_limit_reached'],
  'POST /quantum/jobs/estimate': ['unsupported_circuit', 'not_found'],
  'GET /quantum/jobs/:id/result': ['job_not_finished'],
  'GET /api/v1/feeds/token-expiries.ics': ['not_found'],
  'GET /api/v1/user/notice-webhook': ['not_found'],
  'DELETE /api/v1/user/notice-webhook': ['not_found'],
  'GET /api/v1/user/calendar-feed': ['not_found'],
  'DELETE /api/v1/user/calendar-feed': ['not_found'],
  'DELETE /quantum/jobs/:id': ['conflict', 'provider_error'],
  '* /proxy/:provider/*': ['provider_token_missing', 'provider_error'],
};

const EXAMPLE_REQUEST_ID = '0193a1f2-7c4e-7b8a-9d3e-5f6a7b8c9d0e';

/** An example body of each error, in the API's one error shape. */
const ERROR_EXAMPLES: Record<
  ErrorCode,
  { summary: string; message: string; details?: ErrorBody['error']['details'] }
> = {
  validation_failed: {
    summary: 'The request does not match the schema',
    message: 'body/name must NOT have more than 100 characters',
    details: [{ field: 'body.name', message: 'must NOT have more than 100 characters' }],
  },
  invalid_json: { summary: 'The body is not JSON', message: 'The request body is not valid JSON' },
  provider_token_missing: {
    summary: 'No provider token to spend',
    message:
      'No IonQ token is available for this account: add one under Settings → Provider Access Tokens (PUT /api/v1/user/provider-tokens/ionq)',
  },
  unsupported_circuit: {
    summary: 'The circuit cannot run on this backend',
    message: 'The circuit uses 40 qubits; local.simulator has 24',
  },
  unauthenticated: {
    summary: 'No valid token or session',
    message: 'Authentication failed: the token has expired',
  },
  insufficient_scope: {
    summary: 'The token lacks the scope',
    message: "This request needs a token with the 'api' scope",
    details: [{ field: 'scope', message: 'needs one of: api' }],
  },
  forbidden: {
    summary: 'Your role does not allow it',
    message: "Only owners and maintainers can change the organization's provider tokens; your role is viewer",
  },
  second_factor_required: {
    summary: 'The password was right; the second factor is still to come',
    message: 'Enter a code from your authenticator app, use your passkey or a recovery code to finish signing in',
  },
  reauthentication_required: {
    summary: 'Confirm who you are (step-up)',
    message: 'This action needs a recent sign-in: confirm with your password, an authentication code or a passkey (POST /api/v1/auth/reauthenticate), then try again',
  },
  two_factor_required: {
    summary: 'The organization requires a second factor',
    message: "Organization 'Quantum Lab' requires its members to use a second factor: add an authenticator app or a passkey under Settings → Sign-in and security",
  },
  sso_required: {
    summary: 'The organization requires single sign-on',
    message: "Organization 'Quantum Lab' requires its members to sign in through single sign-on: sign out and sign in with single sign-on",
  },
  csrf_failed: {
    summary: 'Cookie write without X-CSRF-Token',
    message: 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write',
  },
  not_found: { summary: 'Not found (or not yours)', message: 'Not found' },
  method_not_allowed: { summary: 'Method not allowed', message: 'Method not allowed' },
  conflict: {
    summary: 'Conflicts with the current state',
    message: 'You already have an active token with this name',
  },
  job_not_finished: {
    summary: 'The job has no result yet',
    message: 'The job is RUNNING; results exist once it is COMPLETED',
  },
  email_taken: {
    summary: 'The email is registered',
    message: 'An account with this email already exists',
    details: [{ field: 'email', message: 'is already registered' }],
  },
  last_owner: {
    summary: 'The last owner cannot go',
    message: 'An organization must keep at least one owner; make someone else owner first',
  },
  payload_too_large: { summary: 'The body is too large', message: 'The request body is larger than 1 MiB' },
  unsupported_media_type: { summary: 'The body is not JSON', message: 'Send the body as application/json' },
  rate_limited: { summary: 'Too many requests', message: 'Too many job submissions; try again in 12 s' },
  spending_limit_reached: {
    summary: "A monthly spending limit on the organization's provider token",
    message:
      "This job would pass Quantum Lab's limit of 1000 IonQ shots per member per month (you have used 950 in 2026-11, this job has 100); it resets at 2026-12-01T00:00:00.000Z",
  },
  job_over_limit: {
    summary: 'The job is larger than the organization allows for one job',
    message: "Quantum Lab allows at most 1000 shots per IonQ job; this job has 5000",
  },
  internal: {
    summary: 'Unexpected error',
    message: 'Something went wrong on our side; the request id identifies it in the server log',
  },
  provider_error: { summary: 'The provider failed', message: 'IonQ answered with HTTP 503' },
  unavailable: {
    summary: 'Not available right now',
    message: 'The service is not available; try again later',
  },
};

function exampleBody(code: ErrorCode): ErrorBody {
  const { message, details } = ERROR_EXAMPLES[code];
  return { error: { code, message, request_id: EXAMPLE_REQUEST_ID, ...(details ? { details } : {}) } };
}

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: the request does not match the schema, or cannot be carried out as sent.',
  401: 'Unauthenticated: no token or session, or one that is malformed, unknown, expired or revoked, or used from an address outside its IP allowlist. Every such failure answers alike.',
  403: "Forbidden: the token lacks a scope, you are not a member of the organization in X-OrganizationId, the token is restricted to other organizations, the organization's token policy refuses the token, your role does not allow it, or a cookie-authenticated write came without X-CSRF-Token.",
  404: 'Not found: there is no such resource, or it belongs to an account you cannot act for (the two answer alike).',
  409: 'Conflict with the current state of the resource.',
  422: "Unprocessable: the job is larger than the organization's spending limits allow for one job.",
  429: 'Too many requests: a rate limit is spent. Retry after the number of seconds in `Retry-After`.',
  500: 'Unexpected server error; `request_id` identifies it in the server log.',
  502: 'The quantum provider could not be reached, or answered with an error.',
};

const RESPONSE_HEADERS: Record<
  number,
  Record<string, { type: 'string' | 'integer'; description: string }>
> = {
  401: {
    'WWW-Authenticate': {
      type: 'string',
      description: 'The Bearer challenge, with `error="invalid_token"` when a token was sent.',
    },
  },
  403: {
    'WWW-Authenticate': {
      type: 'string',
      description: 'For `insufficient_scope`: `Bearer error="insufficient_scope", scope="…"`.',
    },
  },
  429: {
    'Retry-After': {
      type: 'integer',
      description: 'Seconds until the limit lets this request through again (for `spending_limit_reached`: until the month resets).',
    },
  },
};

function errorResponse(status: number, codes: ErrorCode[]): Record<string, unknown> {
  const examples = Object.fromEntries(
    codes.map((code) => [code, { summary: ERROR_EXAMPLES[code].summary, value: exampleBody(code) }]),
  );
  const headers = RESPONSE_HEADERS[status];
  return {
    ...ErrorResponse,
    description: STATUS_DESCRIPTIONS[status] ?? 'Error',
    'x-examples': examples,
    ...(headers ? { headers } : {}),
  };
}

interface RouteFacts {
  method: string;
  url: string;
  access: Access;
  rateLimit: RateLimitName | undefined;
  hasInput: boolean;
}

/** The error codes a route may answer, by status. */
export function errorCodesFor(route: RouteFacts): Map<number, ErrorCode[]> {
  const codes = new Set<ErrorCode>();
  const write = !SAFE_METHODS.has(route.method);
  if (route.hasInput) codes.add('validation_failed');
  if (route.hasInput && write) codes.add('invalid_json');
  if (route.access !== 'public') {
    codes.add('unauthenticated');
    if (route.access !== 'authenticated') codes.add('insufficient_scope');
    // Any authenticated request may name an organization it is not a member of.
    codes.add('forbidden');
    if (write) codes.add('csrf_failed');
  }
  if (route.url.includes(':') || route.url.includes('*')) codes.add('not_found');
  if (route.rateLimit !== undefined) codes.add('rate_limited');
  for (const code of ROUTE_ERRORS[`${route.method} ${route.url}`] ?? ROUTE_ERRORS[`* ${route.url}`] ?? [])
    codes.add(code);
  codes.add('internal');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function rateLimitSentence(name: RateLimitName): string {
  const limit = RATE_LIMIT_DEFAULTS[name];
  const per = limit.by === 'ip' ? 'per client address' : 'per user';
  return `**Rate limit:** \`${name}\`, by default ${limit.points} ${limit.what} per ${limit.seconds} s ${per} (429 with \`Retry-After\` beyond it).`;
}

const ORG_HEADER = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  description:
    'Act for this organization (its id) instead of your personal account: its provider tokens are spent and its jobs are listed, ' +
    'within what your role in it allows. Without the header the request acts for your personal account. 403 if you are not a member, ' +
    "if the token is restricted to other organizations, or if the organization's token policy refuses the token.",
};
const CSRF_HEADER = {
  type: 'string',
  maxLength: 200,
  description: `Only with the session cookie: the value of the \`${CSRF_COOKIE}\` cookie. A cookie-authenticated write without it answers 403 \`csrf_failed\`; requests with a personal access token need no CSRF token.`,
};

type RouteSchema = FastifySchema & Record<string, unknown>;

/** @fastify/swagger's per-route transform: security, headers and concrete error answers. */
export const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  const base: RouteSchema = (schema as RouteSchema | undefined) ?? {};
  const access = route.config?.access;
  // A route that declares nothing gets no `security` at all: the route-walk test catches it.
  if (access === undefined || base.hide === true) return { schema: base, url };
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const method = methods.length === 1 ? String(methods[0]) : '*';
  const rateLimit = route.config?.rateLimit;
  const hasInput =
    base.body !== undefined ||
    base.querystring !== undefined ||
    base.params !== undefined ||
    url.includes('*');

  const headers: Record<string, unknown> = {};
  if (access !== 'public' && actsForOrganization(url)) headers['X-OrganizationId'] = ORG_HEADER;
  if (access !== 'public' && methods.some((m) => !SAFE_METHODS.has(String(m))))
    headers['X-CSRF-Token'] = CSRF_HEADER;

  const success = Object.fromEntries(
    Object.entries((base.response as Record<string, unknown> | undefined) ?? {}).filter(([status]) =>
      /^[1-3]/.test(status),
    ),
  );
  const errors = errorCodesFor({ method, url, access, rateLimit, hasInput });
  // The provider proxy answers whatever the provider answers.
  const response: Record<string, unknown> =
    Object.keys(success).length > 0
      ? { ...success }
      : { '2xx': { description: "The provider's answer, passed through as it came" } };
  for (const [status, codes] of [...errors.entries()].sort(([a], [b]) => a - b))
    response[String(status)] = errorResponse(status, codes);

  const description = [
    typeof base.description === 'string' ? base.description : null,
    accessSentence(access),
    headers['X-OrganizationId']
      ? '**Organization:** send `X-OrganizationId` to act for an organization you are a member of.'
      : null,
    rateLimit ? rateLimitSentence(rateLimit) : null,
  ]
    .filter((line): line is string => line !== null)
    .join('\n\n');

  return {
    url,
    schema: {
      ...base,
      description,
      security: securityFor(access),
      ...(Object.keys(headers).length > 0
        ? {
            headers: {
              type: 'object',
              properties: {
                ...(base.headers as { properties?: object } | undefined)?.properties,
                ...headers,
              },
            },
          }
        : {}),
      response,
      'x-qonduit-access': access,
    } as FastifySchema,
  };
};

type OpenApiObject = {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
};

/** Every error answer shares one schema: written once, under components, and referenced. */
export function hoistErrorSchema<T extends OpenApiObject>(document: T): T {
  let errorSchema: unknown = null;
  for (const methods of Object.values(document.paths ?? {})) {
    for (const op of Object.values(methods)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const media = /^[45]/.test(status) ? response.content?.['application/json'] : undefined;
        if (!media) continue;
        errorSchema ??= media.schema;
        media.schema = { $ref: '#/components/schemas/Error' };
      }
    }
  }
  if (errorSchema !== null)
    document.components = {
      ...document.components,
      schemas: { ...document.components?.schemas, Error: errorSchema },
    };
  return document;
}

const hoistErrors: SwaggerTransformObject = (documentObject) =>
  'openapiObject' in documentObject
    ? hoistErrorSchema(documentObject.openapiObject as OpenApiObject & typeof documentObject.openapiObject)
    : documentObject.swaggerObject;

export const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'accounts', description: 'Sign up, sign in and out (the web session), and the signed-in user.' },
  {
    name: 'sign-in and security',
    description:
      'Second factors (authenticator apps, recovery codes), the second step of a sign-in that answered `second_factor_required`, and step-up: actions that hand out or spend credentials need a web session that proved who its holder is within `QONDUIT_STEP_UP_MINUTES`, else `403 reauthentication_required`.',
  },
  {
    name: 'personal access tokens',
    description:
      'Your `qdp_…` tokens: create (the secret is shown once), list, rotate, revoke; and the public leak-revocation endpoint secret scanners call.',
  },
  {
    name: 'organizations',
    description: 'Organizations, their members and roles (owner, maintainer, viewer).',
  },
  {
    name: 'provider access tokens',
    description:
      "Bring your own token: your or an organization's credentials for IBM Quantum, IonQ, AWS Braket, D-Wave, …, stored encrypted. The API never returns a secret, only a masked hint.",
  },
  { name: 'audit', description: 'Who did what with tokens, members and provider tokens, newest first.' },
  {
    name: 'token notices',
    description:
      "Notices before tokens expire or are retired for disuse, and when an organization's provider token fails its check: listed here, e-mailed (SMTP) and posted to a signed webhook; and an iCalendar feed of expiries.",
  },
  {
    name: 'spending limits and usage',
    description:
      "Limits on what members and the whole organization may spend of the organization's provider tokens per calendar month (jobs, shots, estimated cost; owners and maintainers set them), and the month's usage per member and provider (every member reads it).",
  },
  {
    name: 'quantum',
    description:
      "PlanQK's quantum API: backends and jobs. Jobs spend the provider token of the account in `X-OrganizationId` (or yours).",
  },
  {
    name: 'provider proxy',
    description:
      "Calls a provider's own API with the resolved provider token put in, in the provider's scheme; your personal access token never leaves Qonduit.",
  },
  {
    name: 'planqk',
    description: "What PlanQK's CLI and SDK call at login and to list the accounts you can act for.",
  },
  { name: 'operations', description: 'Health check and this document.' },
];

function rateLimitTable(): string {
  const rows = Object.entries(RATE_LIMIT_DEFAULTS).map(
    ([name, l]) =>
      `| \`${name}\` | ${l.points} per ${l.seconds} s | ${l.by === 'ip' ? 'client address' : 'user'} | ${l.what} |`,
  );
  return ['| limit | default | counted per | counts |', '|---|---|---|---|', ...rows].join('\n');
}

export function introduction(): string {
  return `Qonduit keeps personal access tokens for this platform and provider access tokens for quantum providers, and spends the latter on your behalf when a job runs.

## Authentication

- **Personal access token** (\`qdp_\` + 36 characters): send it as \`Authorization: Bearer <token>\` or, as PlanQK's clients do, \`X-Auth-Token: <token>\`. Create one in the web UI (user menu → Settings → Personal Access Tokens), with \`qonduit tokens create\`, or \`POST /api/v1/user/tokens\`.
- **Web session**: the \`${SESSION_COOKIE}\` cookie set by sign-in. It acts with every scope; each write made with it must echo the \`${CSRF_COOKIE}\` cookie in \`X-CSRF-Token\`.

Every operation lists the scopes it needs under its security requirements:

| scope | allows |
|---|---|
| \`read_api\` | every read of the platform API |
| \`api\` | everything \`read_api\` allows, and every write of \`/api/v1\`: tokens, organizations, provider tokens |
| \`quantum_tokens\` | what spends a provider token for you: submitting and cancelling jobs, the provider proxy |

(${SCOPES.map((s) => `\`${s}\``).join(', ')}; \`api\` implies \`read_api\`.) The CLI needs \`api\`; the SDK needs \`api\` and \`quantum_tokens\`.

## Organizations and roles

Send \`X-OrganizationId: <organization id>\` to act for an organization you belong to; without it a request acts for your personal account. Roles (${ROLES.map((r) => `\`${r}\``).join(', ')}): a **viewer** sees the organization and runs jobs with its provider tokens; a **maintainer** also adds, replaces and deletes its provider tokens; an **owner** also manages members and roles, renames and deletes it.

## Errors

Every error answers \`{"error": {"code", "message", "request_id", "details"?}}\`, with \`code\` one of ${Object.keys(
    ERROR_STATUS,
  )
    .map((c) => `\`${c}\``)
    .join(
      ', ',
    )}. \`/quantum\` errors also carry PlanQK's \`error_message\`. Another account's resource answers 404, as a missing one does.

## Rate limits

Sign-in, sign-up, leak revocation, token creation, job submission and cost estimates, member additions and the provider proxy are limited; the operator can change each limit. Beyond a limit the answer is **429** \`rate_limited\` with a \`Retry-After\` header in seconds.

## Spending limits

Owners and maintainers of an organization set monthly limits on what its members, and the whole organization, may spend of each of its provider tokens (jobs, shots, estimated cost in USD per calendar month, UTC) and the most shots one job may have (\`PUT /api/v1/orgs/{org}/spending-limits/{provider}\`). A job that would pass a monthly limit answers **429** \`spending_limit_reached\` naming the limit and when it resets, with \`Retry-After\` in seconds until the month ends; one over the per-job limit answers **422** \`job_over_limit\`. \`POST /quantum/jobs/estimate\` answers what a job would cost, and the refusal it would meet, without creating it. \`GET /api/v1/orgs/{org}/usage\` answers a month's usage per provider and member.

${rateLimitTable()}
`;
}

// The page loads Scalar's bundle from this server (nothing from a CDN: the server may have no
// internet) and runs one inline script that starts it; the CSP allows that script by its hash.
function docsContentSecurityPolicy(html: string): string {
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return (
    `default-src 'self'; script-src 'self' ${inline.join(' ')}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; ` +
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  );
}

// Scalar's page, in the web UI's colours; the fonts are the system's (Scalar's own come from its CDN).
const DOCS_CSS = `
.light-mode { --scalar-color-accent: #4338ca; --scalar-background-accent: #eef0ff; }
.dark-mode { --scalar-color-accent: #a5b4fc; }
:root { --scalar-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; --scalar-font-code: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
`;

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const options: FastifyDynamicSwaggerOptions = {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Qonduit API', version: '0.1.0', description: introduction() },
      tags: TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: SECURITY_SCHEMES as unknown as NonNullable<
          NonNullable<FastifyDynamicSwaggerOptions['openapi']>['components']
        >['securitySchemes'],
      },
    },
    transform: documentRoute,
    transformObject: hoistErrors,
  };
  await app.register(swagger, options);
  app.get(
    '/openapi.json',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'This document (OpenAPI 3.1)',
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );

  await app.register(async (docs) => {
    docs.addHook('onSend', async (request, reply, payload) => {
      const type = String(reply.getHeader('content-type') ?? '');
      if (type.startsWith('text/html') && typeof payload === 'string') {
        void reply.header('content-security-policy', docsContentSecurityPolicy(payload));
        void reply.header('referrer-policy', 'no-referrer');
      } else if (request.url.endsWith('.js')) {
        void reply.header('cache-control', 'public, max-age=3600');
      }
      return payload;
    });
    await docs.register(scalar, {
      routePrefix: DOCS_PREFIX,
      logLevel: 'warn',
      configuration: {
        url: '/openapi.json',
        pageTitle: DOCS_TITLE,
        // Served by the plugin from its own package (an absolute path works from /docs and /docs/).
        cdn: `${DOCS_PREFIX}/js/scalar.js`,
        withDefaultFonts: false,
        telemetry: false,
        showDeveloperTools: 'never',
        hideClientButton: false,
        documentDownloadType: 'json',
        defaultOpenFirstTag: false,
        agent: { disabled: true },
        mcp: { disabled: true },
        customCss: DOCS_CSS,
      },
    });
  });
}
