import type { ChangeEvent } from 'react';
import { useId } from 'react';
import { PATHS } from './paths';
import { matchPath, navigate, usePath } from './router';
import { useSession } from './session';

/**
 * Which account the UI acts for: the personal account or an organization. Jobs run (and are
 * listed) for it, with its provider tokens. A native select: keyboard and screen readers work.
 */
export function AccountSwitcher() {
  const { accounts, account, selectAccount } = useSession();
  const path = usePath();
  const id = useId();

  function change(event: ChangeEvent<HTMLSelectElement>) {
    const next = accounts.find((a) => a.id === event.target.value);
    if (!next) return;
    selectAccount(next.id);
    // On an organization's page, follow the switch to the same page of the new account.
    const onOrgPage = matchPath('/orgs/:id/:page', path);
    if (onOrgPage) navigate(next.isOrganization ? PATHS.orgSettings(next) : PATHS.tokens);
  }

  return (
    <div className="account-switcher">
      <label htmlFor={id} className="visually-hidden">
        Account
      </label>
      <select id={id} className="select" value={account.id} onChange={change}>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.isOrganization ? `${a.displayName} (${a.role ?? 'member'})` : `${a.displayName} (personal)`}
          </option>
        ))}
      </select>
    </div>
  );
}
