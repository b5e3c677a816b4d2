import { AppError } from '@qonduit/core';
import { providerById } from '@qonduit/runtime';
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
  return {
    hasPlatformCredential: (provider: ProviderId) => deps.platformCredentials[provider] !== undefined,

    async resolve(userId: string, orgContext: OrgContext | null, provider: ProviderId): Promise<ResolvedCredential | null> {
      const account: TokenAccount = orgContext ? { id: orgContext.organizationId, type: 'organization' } : { id: userId, type: 'user' };
      const own = await deps.providerTokens.credentialFor(account, provider);
      if (own) return { source: orgContext ? 'organization' : 'user', recordId: own.recordId, account, credential: own.credential };
      const platform = deps.platformCredentials[provider];
      if (platform) return { source: 'platform', recordId: null, account: null, credential: platform };
      return null;
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
