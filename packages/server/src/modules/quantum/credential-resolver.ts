import { AppError } from '@qonduit/core';
import { isProviderId, providerById } from '@qonduit/runtime';
import type { ProviderId } from '@qonduit/runtime';
import type { OrgContext } from '../../plugins/auth';
import type { ProviderTokenService, TokenAccount } from '../provider-tokens/provider-tokens.service';

export type TokenSource = 'organization' | 'user' | 'platform';

export interface ResolvedCredential {
  source: TokenSource;
  /** The provider_tokens row, or null for the platform's credential. */
  recordId: string | null;
  /** The account whose token it is (for audit and messages), or null for the platform. */
  account: TokenAccount | null;
  credential: Readonly<Record<string, string>>;
}

/**
 * Which credential a job or proxy call for provider P spends (DESIGN.md): with an organization
 * context, the organization's token; without one, the user's own; then the operator's platform
 * credential. An organization's jobs never fall back to a member's personal token, so that a
 * member's own account is never billed for the organization's work.
 */
export function createCredentialResolver(deps: {
  providerTokens: ProviderTokenService;
  platformCredentials: Readonly<Partial<Record<ProviderId, Readonly<Record<string, string>>>>>;
}) {
  const platformCredential = (provider: ProviderId): Readonly<Record<string, string>> | null => deps.platformCredentials[provider] ?? null;

  return {
    hasPlatformCredential: (provider: ProviderId) => platformCredential(provider) !== null,

    /**
     * The operator's credential, for jobs only: the provider proxy refuses a call that would
     * spend it (DESIGN.md: "never handed to the raw proxy").
     */
    platformCredential,

    async resolve(userId: string, orgContext: OrgContext | null, provider: ProviderId): Promise<ResolvedCredential | null> {
      const account: TokenAccount = orgContext ? { id: orgContext.organizationId, type: 'organization' } : { id: userId, type: 'user' };
      const own = await deps.providerTokens.credentialFor(account, provider);
      if (own) return { source: orgContext ? 'organization' : 'user', recordId: own.recordId, account, credential: own.credential };
      const platform = deps.platformCredentials[provider];
      if (platform) return { source: 'platform', recordId: null, account: null, credential: platform };
      return null;
    },

    /**
     * Where a call for each provider would take its credential from now, by the same order as
     * resolve(), without decrypting anything: what backend lists show as their access.
     */
    async sources(userId: string, orgContext: OrgContext | null): Promise<(provider: ProviderId) => TokenSource | null> {
      const account: TokenAccount = orgContext ? { id: orgContext.organizationId, type: 'organization' } : { id: userId, type: 'user' };
      const stored = new Set((await deps.providerTokens.list(account)).map((t) => t.provider));
      return (provider) => (stored.has(provider) ? (orgContext ? 'organization' : 'user') : platformCredential(provider) ? 'platform' : null);
    },
    /**
     * The credential a stored job spends, by the source recorded when it was submitted. An
     * account's token is read again, so a token replaced since is the one used, and a removed
     * one (a deleted organization's) is no longer there: null.
     */
    async forJob(
      job: { account_id: string; account_type: TokenAccount['type']; token_source: TokenSource | 'none' },
      provider: ProviderId,
    ): Promise<{ credential: Readonly<Record<string, string>>; recordId: string | null } | null> {
      if (job.token_source === 'none') return null;
      if (job.token_source === 'platform') {
        const platform = platformCredential(provider);
        return platform ? { credential: platform, recordId: null } : null;
      }
      return deps.providerTokens.credentialFor({ id: job.account_id, type: job.account_type }, provider);
    },

    /** Every token an account holds, decrypted (ending an organization cancels its jobs with them). */
    async allOf(account: TokenAccount): Promise<Map<ProviderId, Readonly<Record<string, string>>>> {
      const found = new Map<ProviderId, Readonly<Record<string, string>>>();
      for (const token of await deps.providerTokens.list(account)) {
        if (!isProviderId(token.provider)) continue;
        const own = await deps.providerTokens.credentialFor(account, token.provider);
        if (own) found.set(token.provider, own.credential);
      }
      return found;
    },

    /** The error for a call that found no credential: names the provider and where to add one. */
    missing(provider: ProviderId, orgContext: OrgContext | null): AppError {
      const name = providerById(provider)?.display_name ?? provider;
      const where = orgContext
        ? `an owner or maintainer can add the organization's ${name} token under the organization's settings → Provider Access Tokens (PUT /api/v1/orgs/${orgContext.organizationId}/provider-tokens/${provider})`
        : `add yours under Settings → Provider Access Tokens (PUT /api/v1/user/provider-tokens/${provider})`;
      return new AppError('provider_token_missing', `No ${name} token is available for this ${orgContext ? 'organization' : 'account'}: ${where}`, {
        details: [{ field: 'provider', message: `no ${provider} token` }],
      });
    },
  };
}

export type CredentialResolver = ReturnType<typeof createCredentialResolver>;
