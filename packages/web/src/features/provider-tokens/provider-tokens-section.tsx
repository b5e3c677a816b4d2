import type { Provider, ProviderToken, ProviderTokenVerification, Role } from '@qonduit/sdk';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { ConfirmDialog } from '../../shared/dialog';
import { ErrorAlert, Loading, Notice, Section } from '../../shared/ui';
import { useAction, useLoad } from '../../shared/use-async';
import { CredentialDialog } from './credential-dialog';
import { ProviderRow } from './provider-row';

/** Whose tokens: the user's own (null), or an organization's with the user's role there. */
export interface TokenOwner {
  orgId: string;
  orgName: string;
  role: Role;
}

type Pending = { kind: 'edit' | 'remove'; provider: Provider } | null;

const canManageOrg = (role: Role) => role === 'owner' || role === 'maintainer';

export function ProviderTokensSection({ owner, title = 'Provider access tokens' }: { owner: TokenOwner | null; title?: string }) {
  const { client } = useSession();
  const where = owner ? { org: owner.orgId } : undefined;
  const data = useLoad(
    async (signal) => {
      const [providers, tokens] = await Promise.all([client.providers.list({ signal }), client.providerTokens.list(where, { signal })]);
      return { providers, tokens };
    },
    [client, owner?.orgId],
  );
  const [pending, setPending] = useState<Pending>(null);
  const [checks, setChecks] = useState<Record<string, ProviderTokenVerification['check']>>({});
  const [checking, setChecking] = useState<string | null>(null);
  const check = useAction();

  const canManage = owner ? canManageOrg(owner.role) : true;
  const accountLabel = owner ? `the organization ${owner.orgName}` : 'your personal account';

  function replaceToken(token: ProviderToken | null, providerId: string) {
    data.update((d) => d && { ...d, tokens: [...d.tokens.filter((t) => t.provider !== providerId), ...(token ? [token] : [])] });
    setChecks(({ [providerId]: _dropped, ...rest }) => rest);
  }

  async function checkNow(provider: Provider) {
    setChecking(provider.id);
    const result = await check.run(() => client.providerTokens.verify(provider.id, where));
    setChecking(null);
    if (result.ok) {
      const { check: outcome, ...token } = result.value;
      replaceToken(token, provider.id);
      setChecks((c) => ({ ...c, [provider.id]: outcome }));
    }
  }

  const description = owner ? (
    <p>
      The organization&apos;s own credentials for quantum providers. Every member runs jobs with them when acting for {owner.orgName}; nobody can read
      them back, only their last characters.
    </p>
  ) : (
    <p>
      Your own credentials for quantum providers (bring your own token). Qonduit stores them encrypted and uses them when you run a job on that
      provider with your personal account. Nobody can read them back, not even you: only their last characters are shown.
    </p>
  );

  return (
    <Section title={title} description={description}>
      {owner && !canManage && (
        <Notice>
          You can see these tokens but not change them: only owners and maintainers of {owner.orgName} can. Your role is {owner.role}.
        </Notice>
      )}
      <ErrorAlert error={data.error} />
      <ErrorAlert error={check.error} context={{ subject: 'This provider token' }} />
      {data.data ? (
        <ul className="provider-list">
          {data.data.providers.map((provider) => (
            <ProviderRow
              key={provider.id}
              provider={provider}
              token={data.data?.tokens.find((t) => t.provider === provider.id)}
              canManage={canManage}
              checking={checking === provider.id}
              lastCheck={checks[provider.id]}
              onEdit={() => setPending({ kind: 'edit', provider })}
              onRemove={() => setPending({ kind: 'remove', provider })}
              onCheck={() => void checkNow(provider)}
            />
          ))}
        </ul>
      ) : (
        !data.error && <Loading />
      )}

      {pending?.kind === 'edit' && (
        <CredentialDialog
          provider={pending.provider}
          existing={data.data?.tokens.find((t) => t.provider === pending.provider.id)}
          accountLabel={accountLabel}
          save={(credentials) => client.providerTokens.set(pending.provider.id, credentials, where)}
          onSaved={(token) => replaceToken(token, pending.provider.id)}
          onClose={() => setPending(null)}
        />
      )}
      {pending?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove the ${pending.provider.display_name} token?`}
          confirmLabel="Remove token"
          danger
          subject="This provider token"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await client.providerTokens.remove(pending.provider.id, where);
            replaceToken(null, pending.provider.id);
          }}
        >
          <p>
            Jobs on {pending.provider.display_name} for {accountLabel} will no longer run with it. Qonduit deletes the stored credential; it
            stays valid at {pending.provider.display_name} until you revoke it there.
          </p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
