import { AccountSwitcher } from './account-switcher';
import { PATHS } from './paths';
import { Link } from './router';
import { useSession } from './session';
import { UserMenu } from './user-menu';

export function TopBar() {
  const { account } = useSession();
  return (
    <header className="top-bar">
      <Link to={PATHS.jobs} className="brand" aria-label="Qonduit home">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Qonduit</span>
      </Link>
      <nav aria-label="Main" className="top-nav">
        <Link to={PATHS.jobs}>Jobs</Link>
        {account.isOrganization && <Link to={PATHS.orgSettings(account)}>Organization</Link>}
        <Link to={PATHS.tokens} section="/settings/">
          Settings
        </Link>
      </nav>
      <div className="top-bar-end">
        <AccountSwitcher />
        <UserMenu />
      </div>
    </header>
  );
}
