import type { Qonduit, User } from '@qonduit/sdk';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorAlert, Loading } from '../shared/ui';
import { useLoad } from '../shared/use-async';
import { matchPath, usePath } from './router';
import { SessionContext, orgAccountAt, saveAccountId, savedAccountId } from './session';
import type { Session, SessionAccount } from './session';

async function slugsOf(client: Qonduit, signal: AbortSignal): Promise<Map<string, string>> {
  const slugs = new Map<string, string>();
  for await (const org of client.orgs.iterate({ signal })) slugs.set(org.id, org.slug);
  return slugs;
}

interface Props {
  client: Qonduit;
  user: User;
  onSignedOut: () => void;
  children: ReactNode;
}

export function SessionProvider({ client, user, onSignedOut, children }: Props) {
  // PlanQK's /my/accounts has no slugs; the organizations list adds them.
  const accounts = useLoad(
    async (signal): Promise<SessionAccount[]> => {
      const [list, slugs] = await Promise.all([client.accounts.list({ signal }), slugsOf(client, signal)]);
      return list.map((a) => ({ ...a, slug: a.isOrganization ? (slugs.get(a.id) ?? null) : null }));
    },
    [client, user.id],
  );
  const [chosen, setChosen] = useState<string | null>(() => savedAccountId(user.id));
  // An organization's own page (/orgs/:id/...) acts for that organization, whatever was chosen
  // before: the switcher, the top bar and the jobs page then agree with the page one is on.
  const path = usePath();
  const pageOrgRef = matchPath('/orgs/:id/:page', path)?.id ?? null;

  const selectAccount = useCallback(
    (id: string) => {
      saveAccountId(user.id, id);
      setChosen(id);
    },
    [user.id],
  );

  const { reload } = accounts;
  const refreshAccounts = useCallback(async () => reload(), [reload]);

  const signOut = useCallback(async () => {
    try {
      await client.auth.logout();
    } finally {
      onSignedOut();
    }
  }, [client, onSignedOut]);

  const list = accounts.data;
  const pageOrg = list ? orgAccountAt(list, pageOrgRef) : undefined;
  // Remembered as the choice too, so leaving the page for Jobs keeps acting for that organization.
  useEffect(() => {
    if (pageOrg && pageOrg.id !== chosen) selectAccount(pageOrg.id);
  }, [pageOrg, chosen, selectAccount]);

  const session = useMemo((): Session | null => {
    if (!list) return null;
    const personal: SessionAccount = list.find((a) => !a.isOrganization) ?? {
      id: user.id,
      displayName: user.name,
      role: null,
      isOrganization: false,
      accountType: { name: 'PERSONAL', feature: 'DEFAULT' },
      slug: null,
    };
    // A saved choice of an organization one has since left falls back to the personal account.
    const account = pageOrg ?? list.find((a) => a.id === chosen) ?? personal;
    return {
      client,
      user,
      accounts: list,
      account,
      accountClient: client.withOrganization(account.isOrganization ? account.id : null),
      selectAccount,
      refreshAccounts,
      signOut,
    };
  }, [list, pageOrg, chosen, client, user, selectAccount, refreshAccounts, signOut]);

  if (!session) {
    return <main className="centered">{accounts.error ? <ErrorAlert error={accounts.error} /> : <Loading label="Loading your accounts…" />}</main>;
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
