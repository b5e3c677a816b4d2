import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_STATUS } from '@qonduit/contract';
import type { ErrorCode } from '@qonduit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../test/harness';
import type { TestApp } from '../test/harness';
import type { Access } from './auth';
import { scopesSatisfying } from './auth';
import { DOCS_PREFIX, DOCS_TITLE, ROUTE_ERRORS, actsForOrganization } from './openapi';

interface Operation {
  security?: Array<Record<string, string[]>>;
  tags?: string[];
  parameters?: Array<{ in: string; name: string }>;
  responses: Record<
    string,
    {
      description: string;
      content?: Record<string, { schema?: unknown; examples?: Record<string, { value: unknown }> }>;
    }
  >;
  'x-qonduit-access'?: string | string[];
}
interface Document {
  openapi: string;
  info: { title: string; description: string };
  tags: Array<{ name: string; description?: string }>;
  components: {
    securitySchemes: Record<string, { type: string; name?: string; in?: string; scheme?: string }>;
  };
  paths: Record<string, Record<string, Operation>>;
}

// The docs page's own routes (Scalar's page and its bundled script) are the only routes that
// declare no access; they are pages, not API operations, and stay out of the document.
const DOCS_ROUTES = [DOCS_PREFIX, `${DOCS_PREFIX}/`, `${DOCS_PREFIX}/js/scalar.js`];

/** A Fastify route URL as OpenAPI writes it: /orgs/:org → /orgs/{org}, a wildcard → {*}. */
function openapiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');
}

let t: TestApp;
let doc: Document;

beforeAll(async () => {
  // No web UI: its static files are not API routes.
  t = await createTestApp({}, { QONDUIT_WEB_DIR: '/nonexistent-web-dir' });
  doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json<Document>();
});
afterAll(async () => {
  await t.close();
});

function operations(): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

describe('the OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('declares the security of every route of the app, as its config.access says', () => {
    const checked: string[] = [];
    for (const route of t.app.routeTable) {
      const name = `${route.method} ${route.url}`;
      if (route.access === undefined) {
        expect(DOCS_ROUTES, `${name} declares no access and is not a page of the docs`).toContain(route.url);
        continue;
      }
      const methods = doc.paths[openapiPath(route.url)];
      // Fastify answers HEAD for every GET route itself; the GET operation documents both.
      const op =
        methods?.[route.method.toLowerCase()] ?? (route.method === 'HEAD' ? methods?.get : undefined);
      expect(op, `${name} is missing from /openapi.json`).toBeDefined();
      if (!op) continue;
      expect(op.security, `${name} has no security requirement`).toBeDefined();
      expect(op['x-qonduit-access'], name).toEqual(route.access);
      expect(op.security, name).toEqual(expectedSecurity(route.access));
      checked.push(name);
    }
    expect(checked.length).toBeGreaterThan(40);
  });

  it('shows public routes as public, and nothing else', () => {
    const open = operations()
      .filter(({ op }) => op.security?.length === 0)
      .map(({ method, path }) => `${method} ${path}`)
      .sort();
    expect(open).toEqual([
      'GET /api/v1/feeds/token-expiries.ics',
      'GET /healthz',
      'GET /openapi.json',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/login/second-factor',
      'POST /api/v1/auth/signup',
      'POST /api/v1/tokens/revoke',
    ]);
  });

  it('lists the scope each token needs on every scoped operation', () => {
    const scoped = operations().filter(
      ({ op }) => !['public', 'authenticated'].includes(String(op['x-qonduit-access'] ?? '')),
    );
    for (const { method, path, op } of scoped) {
      for (const requirement of op.security ?? []) {
        for (const scopes of Object.values(requirement))
          expect(scopes.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const submit = doc.paths['/quantum/jobs']?.post;
    expect(submit?.security).toContainEqual({ bearer: ['quantum_tokens'] });
    expect(submit?.security).toContainEqual({ xAuthToken: ['quantum_tokens'] });
  });

  it('offers the bearer header, PlanQK X-Auth-Token and the session cookie as security schemes', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      xAuthToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
      session: { type: 'apiKey', in: 'cookie', name: 'qonduit_session' },
    });
  });

  it('documents X-OrganizationId where a request acts for an account, and X-CSRF-Token on every authenticated write', () => {
    const headerNames = (op: Operation) =>
      (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    const orgRoutes = operations().filter(({ path }) => actsForOrganization(path));
    expect(orgRoutes.length).toBeGreaterThan(8);
    for (const { method, path, op } of orgRoutes)
      expect(headerNames(op), `${method} ${path}`).toContain('X-OrganizationId');
    for (const { method, path, op } of operations()) {
      if (['GET', 'HEAD'].includes(method) || op.security?.length === 0) continue;
      expect(headerNames(op), `${method} ${path}`).toContain('X-CSRF-Token');
    }
  });

  it('answers every error with a concrete status and an example in the error shape, never a generic 4XX', () => {
    for (const { method, path, op } of operations()) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.filter((s) => /^[45]xx$/i.test(s)),
        `${method} ${path}`,
      ).toEqual([]);
      if (op.security?.length !== 0)
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403']));
      for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
        expect(
          op.responses[status]?.content?.['application/json']?.schema,
          `${method} ${path} ${status}`,
        ).toEqual({ $ref: '#/components/schemas/Error' });
        const examples = op.responses[status]?.content?.['application/json']?.examples ?? {};
        expect(Object.keys(examples).length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const [code, example] of Object.entries(examples)) {
          expect(ERROR_STATUS[code as ErrorCode], `${method} ${path} ${status} ${code}`).toBe(Number(status));
          const body = example.value as {
            error?: { code?: unknown; message?: unknown; request_id?: unknown };
          };
          expect(body.error?.code).toBe(code);
          expect(typeof body.error?.message).toBe('string');
          expect(typeof body.error?.request_id).toBe('string');
        }
      }
    }
    expect(Object.keys(doc.paths['/api/v1/auth/signup']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '409', '429']),
    );
    expect(Object.keys(doc.paths['/api/v1/orgs/{org}/members/{user_id}']?.delete?.responses ?? {})).toEqual(
      expect.arrayContaining(['404', '409']),
    );
    expect(doc.paths['/quantum/jobs']?.post?.responses['429']).toBeDefined();
  });

  it('names only real routes in its table of route-specific errors', () => {
    const routes = new Set(t.app.routeTable.flatMap((r) => [`${r.method} ${r.url}`, `* ${r.url}`]));
    for (const key of Object.keys(ROUTE_ERRORS)) expect(routes, key).toContain(key);
  });

  it('describes every tag an operation uses, and opens with an introduction', () => {
    const described = new Map(doc.tags.map((tag) => [tag.name, tag.description ?? '']));
    for (const { method, path, op } of operations()) {
      for (const tag of op.tags ?? [])
        expect(described.get(tag), `${method} ${path}: tag '${tag}'`).toBeTruthy();
    }
    for (const topic of [
      'X-Auth-Token',
      'X-OrganizationId',
      'read_api',
      'quantum_tokens',
      'viewer',
      'maintainer',
      'owner',
      'request_id',
      '429',
      'Retry-After',
    ]) {
      expect(doc.info.description).toContain(topic);
    }
  });
});

function expectedSecurity(access: Access): Array<Record<string, string[]>> {
  if (access === 'public') return [];
  if (access === 'authenticated') return [{ bearer: [] }, { xAuthToken: [] }, { session: [] }];
  const scopes = scopesSatisfying(access);
  return [
    ...scopes.map((s) => ({ bearer: [s] })),
    ...scopes.map((s) => ({ xAuthToken: [s] })),
    { session: typeof access === 'string' ? [access] : [...access] },
  ];
}

describe('the API reference page', () => {
  it('is Qonduit’s, fits a phone and loads nothing from elsewhere', async () => {
    const redirect = await t.request({ method: 'GET', url: DOCS_PREFIX });
    expect([200, 301, 302]).toContain(redirect.statusCode);
    const page = await t.request({ method: 'GET', url: `${DOCS_PREFIX}/` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain(`<title>${DOCS_TITLE}</title>`);
    expect(page.body).not.toContain('Swagger UI');
    expect(page.body).toMatch(/<meta\s+name="viewport"\s+content="width=device-width, initial-scale=1"/);
    expect(page.body).not.toMatch(/(src|href)="https?:/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('serves Scalar’s script from the package itself', async () => {
    const script = await t.request({ method: 'GET', url: `${DOCS_PREFIX}/js/scalar.js` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body.length).toBeGreaterThan(100_000);
  });
});
