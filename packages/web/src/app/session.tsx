import type { Account, Qonduit, User } from '@qonduit/sdk';
import { createContext, useContext } from 'react';

/** An account of /my/accounts, with an organization's slug (its pages' addresses use it). */
export type SessionAccount = Account & { slug: string | null };

/** The organization an address names, by slug or id, among the accounts. */
export function orgAccountAt(accounts: readonly SessionAccount[], slugOrId: string | null): SessionAccount | undefined {
  if (slugOrId === null) return undefined;
  return accounts.find((a) => a.isOrganization && (a.slug === slugOrId || a.id === slugOrId));
}

/** The signed-in user, the accounts they can act for, and the one chosen in the switcher. */
export interface Session {
  /** Acts for the personal account; organization pages pass `{ org }` or use withOrganization. */
  client: Qonduit;
  user: User;
  accounts: readonly SessionAccount[];
  account: SessionAccount;
  /** The client for the chosen account (X-OrganizationId for an organization). */
  accountClient: Qonduit;
  selectAccount: (id: string) => void;
  refreshAccounts: () => Promise<void>;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() needs a signed-in SessionContext above it');
  return session;
}

const storageKey = (userId: string) => `qonduit.account.${userId}`;

export function savedAccountId(userId: string): string | null {
  try {
    return window.localStorage.getItem(storageKey(userId));
  } catch {
    return null;
  }
}

export function saveAccountId(userId: string, accountId: string): void {
  try {
    window.localStorage.setItem(storageKey(userId), accountId);
  } catch {
    // Private browsing may refuse storage; the choice then lasts until the page reloads.
  }
}
