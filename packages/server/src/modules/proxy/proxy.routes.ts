import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import {
  ProviderError,
  ProviderUrlError,
  adapterFor,
  isProviderId,
  providerBaseUrl,
  providerById,
} from '@qonduit/runtime';
import type { ProviderId, ProviderUrls } from '@qonduit/runtime';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { principalOf } from '../../plugins/auth';
import type { OrgContext, Principal } from '../../plugins/auth';
import type { AuditService } from '../audit/audit.service';
import { assertMay, mayDo } from '../orgs/org-policy';
import type { ProviderTokenService } from '../provider-tokens/provider-tokens.service';
import type { CredentialResolver, ResolvedCredential } from '../quantum/credential-resolver';
import { classifyProxyRequest } from './proxy.access';
import { forwardedRequestHeaders, returnedResponseHeaders } from './proxy.headers';
import type { ProxyJobLookup } from './proxy.store';
import { upstreamUrl } from './proxy.target';

// Only what the proxy calls, so that a test can stand in for each service.
export interface ProxyOptions {
  resolver: Pick<CredentialResolver, 'resolve' | 'missing'>;
  providerTokens: Pick<ProviderTokenService, 'markUsed' | 'markInvalid'>;
  audit: Pick<AuditService, 'record'>;
  /** Tells whether a job a viewer cancels through the proxy is one they submitted. */
  jobs: ProxyJobLookup;
  providerUrls: ProviderUrls;
  fetch: typeof fetch;
  clock: Clock;
  /** How long to wait for the provider's response headers; the body then streams without a limit. */
  timeoutMs?: number;
}

export const PROXY_BODY_LIMIT = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60_000;
// Every proxied call spends the token, but one audit event per call would flood the log.
const AUDIT_INTERVAL_MS = 60 * 60 * 1000;
// Providers that sign the whole request (SigV4) need the body as the text they sign.
const SIGNS_BODY: ReadonlySet<ProviderId> = new Set(['aws_braket']);

const ProxyParams = Type.Object({
  provider: Type.String({ minLength: 1, maxLength: 40 }),
  '*': Type.String({ maxLength: 2000 }),
});

class UpstreamTimeout extends Error {
  constructor() {
    super('the provider did not answer in time');
    this.name = 'UpstreamTimeout';
  }
}

const displayName = (provider: ProviderId) => providerById(provider)?.display_name ?? provider;

/** Whether the caller may manage the token: a 401/403 from the provider then marks it invalid. */
function mayManage(resolved: ResolvedCredential, orgContext: OrgContext | null): boolean {
  if (resolved.source === 'user') return true;
  return resolved.source === 'organization' && orgContext !== null && mayDo(orgContext.role, 'manage_provider_tokens');
}

/**
 * The operator's platform credential pays for jobs that Qonduit itself submits and tracks per
 * account. The raw proxy would hand it to any request: listing and cancelling every tenant's
 * jobs on the operator's provider account. So it never passes through (README, "Provider proxy").
 */
function platformRefused(provider: ProviderId, orgContext: OrgContext | null): AppError {
  const name = displayName(provider);
  const where = orgContext
    ? `an owner or maintainer can add the organization's ${name} token (PUT /api/v1/orgs/${orgContext.organizationId}/provider-tokens/${provider})`
    : `add your own ${name} token (PUT /api/v1/user/provider-tokens/${provider})`;
  return new AppError(
    'forbidden',
    `The operator's platform ${name} credential is spent only by jobs (POST /quantum/jobs) and never passes through the provider proxy; to use the proxy, ${where}`,
    { details: [{ field: 'provider', message: `no ${provider} token of your own; the platform's is not proxied` }] },
  );
}

/** A safe word for why fetch failed (`ECONNREFUSED`): never the URL, never a header. */
function failureCode(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'unknown';
}

function utf8Text(body: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
}

/** The raw path after /proxy/{provider} and the raw query, exactly as the caller sent them. */
function rawRest(request: FastifyRequest, provider: string): { rest: string; query: string } | null {
  const url = request.raw.url ?? request.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const prefix = `/proxy/${provider}/`;
  // The router matched a decoded provider name; a percent-encoded one is not worth supporting.
  if (!path.startsWith(prefix)) return null;
  return { rest: path.slice(prefix.length - 1), query: q < 0 ? '' : url.slice(q) };
}

/**
 * The provider proxy (DESIGN.md, "Provider proxy"): `/proxy/{provider}/...` goes to that
 * provider's configured base URL, with the caller's PAT, cookies and CSRF token taken out and
 * the resolved provider credential put in, in the provider's scheme.
 *
 * Redirects are never followed and never passed on: the client would follow them itself, to a
 * host we have not vetted, carrying its PAT in X-Auth-Token. A 3xx with a Location is answered
 * with 502 provider_error instead (a 304 has no Location and passes through).
 */
export const proxyRoutes: FastifyPluginAsyncTypebox<ProxyOptions> = async (app, options) => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  // Bodies pass through byte for byte, whatever their type. Plugins are encapsulated, so the
  // JSON API outside this one keeps refusing other types with 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: PROXY_BODY_LIMIT },
    (_request, body, done) => {
      done(null, body);
    },
  );

  /** last_used_at on every call; a `provider_token.used` audit event at most once an hour per token. */
  async function recordUse(
    resolved: ResolvedCredential,
    provider: ProviderId,
    principal: Principal,
    ip: string,
  ): Promise<void> {
    if (resolved.recordId === null || resolved.account === null) return;
    if (!(await options.providerTokens.markUsed(resolved.recordId, AUDIT_INTERVAL_MS))) return;
    await options.audit.record({
      account: resolved.account,
      actor: { userId: principal.userId, tokenId: principal.tokenId, ip },
      action: 'provider_token.used',
      target: { type: 'provider_token', id: null, name: provider },
      details: { provider, via: 'proxy', token_source: resolved.source },
    });
  }

  /**
   * A 401/403 marks the token invalid only when the caller may manage it (their own token, or
   * an organization's for its owners and maintainers): any member can send a request the
   * provider refuses, and that must not take the token out of service for everyone.
   */
  async function markRefused(
    resolved: ResolvedCredential,
    provider: ProviderId,
    status: number,
    orgContext: OrgContext | null,
    log: FastifyBaseLogger,
  ): Promise<void> {
    log.info(
      { provider, status, token_source: resolved.source },
      'provider refused the credential on a proxied call',
    );
    if (resolved.recordId === null || !mayManage(resolved, orgContext)) return;
    await options.providerTokens.markInvalid(
      resolved.recordId,
      `${displayName(provider)} refused the token (HTTP ${status}) on a provider proxy call`,
    );
  }

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'],
    url: '/proxy/:provider/*',
    bodyLimit: PROXY_BODY_LIMIT,
    config: { access: 'quantum_tokens', rateLimit: 'proxy' },
    schema: {
      tags: ['provider proxy'],
      summary: "Forwards to the provider's API with the resolved provider token in the provider's own scheme",
      params: ProxyParams,
    },
    handler: async (request, reply) => {
      const { provider } = request.params;
      if (!isProviderId(provider))
        throw new AppError(
          'not_found',
          `There is no provider '${provider}'; GET /api/v1/providers lists them`,
        );
      const name = displayName(provider);
      const raw = rawRest(request, provider);
      if (raw === null)
        throw new AppError(
          'validation_failed',
          `Send the provider name in the path as it is: /proxy/${provider}/...`,
        );

      const principal = principalOf(request);
      const orgContext = request.orgContext;
      const resolved = await options.resolver.resolve(principal.userId, orgContext, provider);
      if (!resolved) throw options.resolver.missing(provider, orgContext);
      if (resolved.source === 'platform') throw platformRefused(provider, orgContext);

      let base: string;
      try {
        base = providerBaseUrl(options.providerUrls, provider, resolved.credential);
      } catch (error) {
        if (error instanceof ProviderUrlError)
          throw new AppError(
            'provider_error',
            `The provider proxy cannot reach ${name}: the ${error.message}`,
          );
        throw error;
      }
      const target = upstreamUrl(base, raw.rest, raw.query);
      if (!target.ok) {
        throw new AppError('validation_failed', `The provider proxy refuses this path: ${target.reason}`, {
          details: [{ field: 'path', message: target.reason }],
        });
      }
      const url = target.value.href;
      const method = request.method;

      if (resolved.source === 'organization' && orgContext) {
        const basePath = new URL(base).pathname.replace(/\/+$/, '');
        const path = target.value.pathname.slice(basePath.length) || '/';
        const kind = classifyProxyRequest(provider, method, path, raw.query);
        if (kind.kind === 'read') assertMay(orgContext.role, 'proxy_read');
        else {
          const own =
            kind.kind === 'job_write' &&
            !mayDo(orgContext.role, 'proxy_write') &&
            (await options.jobs.submitterOf(orgContext.organizationId, provider, kind.providerJobId)) === principal.userId;
          assertMay(orgContext.role, 'proxy_write', { own });
        }
      }
      const body =
        method !== 'GET' && method !== 'HEAD' && Buffer.isBuffer(request.body) ? request.body : undefined;
      let bodyText: string | undefined;
      if (body !== undefined) {
        const text = utf8Text(body);
        if (text === null && SIGNS_BODY.has(provider)) {
          throw new AppError(
            'validation_failed',
            `${name} requests are signed as UTF-8 text; this body is not valid UTF-8`,
          );
        }
        bodyText = text ?? undefined;
      }

      const headers = forwardedRequestHeaders(request.headers);
      let auth: Record<string, string>;
      try {
        // AWS signs this exact request, so it gets the final URL, headers and body.
        auth = await adapterFor(provider).proxyAuthHeaders(
          resolved.credential,
          { urls: options.providerUrls, fetch: options.fetch, clock: options.clock },
          { method, url, headers, ...(bodyText === undefined ? {} : { body: bodyText }) },
        );
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        // IBM exchanges its key at IAM first: a refusal there is a refused token too.
        if (error.kind === 'auth') await markRefused(resolved, provider, error.status ?? 401, orgContext, request.log);
        throw new AppError(
          'provider_error',
          `The provider proxy could not authenticate to ${name}: ${error.message}`,
        );
      }
      const sent: Record<string, string> = { ...headers };
      for (const [key, value] of Object.entries(auth)) sent[key.toLowerCase()] = value;

      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new UpstreamTimeout()), timeoutMs);
      // A client that goes away mid-answer stops the upstream transfer too.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      let upstream: Response;
      try {
        upstream = await options.fetch(url, {
          method,
          headers: sent,
          // Buffer is a Uint8Array; DOM's BodyInit wants one backed by a plain ArrayBuffer.
          ...(body === undefined ? {} : { body: body as Uint8Array<ArrayBuffer> }),
          redirect: 'manual',
          signal: controller.signal,
        });
      } catch (error) {
        const timedOut =
          controller.signal.reason instanceof UpstreamTimeout ||
          (error instanceof Error && error.name === 'TimeoutError');
        request.log.warn(
          { provider, reason: timedOut ? 'timeout' : failureCode(error) },
          'provider proxy: upstream failed',
        );
        throw new AppError(
          'provider_error',
          timedOut
            ? `${name} did not answer the provider proxy within ${Math.round(timeoutMs / 1000)} s`
            : `The provider proxy could not reach ${name}`,
        );
      } finally {
        clearTimeout(timer);
      }

      const status = upstream.status;
      await recordUse(resolved, provider, principal, request.ip);
      if (status === 401 || status === 403) await markRefused(resolved, provider, status, orgContext, request.log);
      if (status >= 300 && status < 400 && upstream.headers.has('location')) {
        await upstream.body?.cancel();
        throw new AppError(
          'provider_error',
          `${name} answered with a redirect (HTTP ${status}); the provider proxy does not follow redirects, so that no request leaves ${name}'s configured address`,
        );
      }

      void reply.status(status).headers(returnedResponseHeaders(method, status, upstream.headers));
      if (method === 'HEAD' || upstream.body === null) return reply.send();
      // Streamed as it arrives: results can be large and are never held in memory whole.
      return reply.send(Readable.fromWeb(upstream.body as NodeReadableStream<Uint8Array>));
    },
  });
};
