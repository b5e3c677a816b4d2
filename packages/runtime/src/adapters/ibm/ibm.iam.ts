import { sha256Hex } from '@qonduit/core';
import { joinUrl } from '../../providers/base-urls';
import { asRecord, sendJson, stringField } from '../http';
import { ProviderError } from '../types';
import type { AdapterContext } from '../types';

// IBM Cloud IAM turns an API key into a bearer token that lives about an hour. Exchanging on
// every call would double the latency and hit IAM's rate limits, so tokens are cached per
// process. The cache needs no cross-instance invalidation: each token is valid on its own.

const IAM = 'IBM Cloud IAM';
const GRANT_TYPE = 'urn:ibm:params:oauth:grant-type:apikey';
/** Renew this long before IAM's expiry, so that a token never dies in flight. */
export const TOKEN_RENEW_MARGIN_MS = 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class IamTokenCache {
  // Keyed by a digest of IAM URL and key: the key itself never becomes a map key or a log line.
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  async token(apiKey: string, ctx: AdapterContext): Promise<string> {
    const slot = this.slot(apiKey, ctx);
    const cached = this.tokens.get(slot);
    if (cached !== undefined && ctx.clock.now().getTime() < cached.expiresAt - TOKEN_RENEW_MARGIN_MS)
      return cached.token;

    // Concurrent callers share one exchange.
    let exchange = this.pending.get(slot);
    if (exchange === undefined) {
      exchange = exchangeApiKey(apiKey, ctx).finally(() => this.pending.delete(slot));
      this.pending.set(slot, exchange);
    }
    const fresh = await exchange;
    this.tokens.set(slot, fresh);
    return fresh.token;
  }

  /** Drops a token the runtime API refused (revoked, or IAM and the service disagree on time). */
  forget(apiKey: string, ctx: AdapterContext): void {
    this.tokens.delete(this.slot(apiKey, ctx));
  }

  /** For tests: the cache's keys. */
  keys(): string[] {
    return [...this.tokens.keys()];
  }

  private slot(apiKey: string, ctx: AdapterContext): string {
    return sha256Hex(`${ctx.urls.ibmIam}\n${apiKey}`);
  }
}

async function exchangeApiKey(apiKey: string, ctx: AdapterContext): Promise<CachedToken> {
  let answer: unknown;
  try {
    answer = await sendJson(ctx, {
      provider: IAM,
      method: 'POST',
      url: joinUrl(ctx.urls.ibmIam, 'identity/token'),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: GRANT_TYPE, apikey: apiKey }).toString(),
      secrets: [apiKey],
    });
  } catch (error) {
    // IAM answers 400 for a key it does not know (BXNIM0415E): for us that is a bad credential.
    if (error instanceof ProviderError && error.kind === 'rejected' && error.status === 400) {
      throw new ProviderError('auth', error.message, { status: error.status, code: error.code });
    }
    throw error;
  }
  const body = asRecord(answer, IAM, 'token answer');
  const token = stringField(body, 'access_token', IAM, 'token answer');
  const now = ctx.clock.now().getTime();
  let expiresAt: number;
  if (typeof body.expires_in === 'number') expiresAt = now + body.expires_in * 1000;
  else if (typeof body.expiration === 'number') expiresAt = body.expiration * 1000;
  else throw new ProviderError('protocol', `${IAM} sent a token without an expiry`);
  return { token, expiresAt };
}
