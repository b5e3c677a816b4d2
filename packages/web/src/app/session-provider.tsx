import type { Account, Qonduit, User } from '@qonduit/sdk';
import { useCallback, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { ErrorAlert, Loading } from '../shared/ui';
import { useLoad } from '../shared/use-async';
import { SessionContext, saveAccountId, savedAccountId } from './session';
import type { Session } from './session';

interface Props {
  client: Qonduit;
  user: User;
  onSignedOut: () => void;
  children: ReactNode;
}

export function SessionProvider({ client, user, onSignedOut, children }: Props) {
  const accounts = useLoad((signal) => client.accounts.list({ signal }), [client, user.id]);
  const [chosen, setChosen] = useState<string | null>(() => savedAccountId(user.id));

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
  const session = useMemo((): Session | null => {
    if (!list) return null;
    const personal: Account = list.find((a) => !a.isOrganization) ?? {
      id: user.id,
      displayName: user.name,
      role: null,
      isOrganization: false,
      accountType: { name: 'PERSONAL', feature: 'DEFAULT' },
    };
    // A saved choice of an organization one has since left falls back to the personal account.
    const account = list.find((a) => a.id === chosen) ?? personal;
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
  }, [list, chosen, client, user, selectAccount, refreshAccounts, signOut]);

  if (!session) {
    return <main className="centered">{accounts.error ? <ErrorAlert error={accounts.error} /> : <Loading label="Loading your accounts…" />}</main>;
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
