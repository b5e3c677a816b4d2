import type { ReactNode } from 'react';
import { PATHS } from '../../app/paths';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';

/** Settings pages share a side navigation: the user's own pages, then each organization's. */
export function SettingsLayout({ children }: { children: ReactNode }) {
  const { accounts } = useSession();
  const orgs = accounts.filter((a) => a.isOrganization);
  return (
    <div className="settings">
      <nav className="settings-nav" aria-label="Settings">
        <p className="settings-nav-title">Your account</p>
        <ul>
          <li>
            <Link to={PATHS.tokens}>Personal access tokens</Link>
          </li>
          <li>
            <Link to={PATHS.providerTokens}>Provider access tokens</Link>
          </li>
          <li>
            <Link to={PATHS.organizations}>Organizations</Link>
          </li>
          <li>
            <Link to={PATHS.auditLog}>Audit log</Link>
          </li>
        </ul>
        {orgs.map((org) => (
          <div key={org.id} className="settings-nav-group">
            <p className="settings-nav-title">{org.displayName}</p>
            <ul>
              <li>
                <Link to={PATHS.orgSettings(org)} aria-label={`${org.displayName} settings`}>
                  Settings
                </Link>
              </li>
              {(org.role === 'owner' || org.role === 'maintainer') && (
                <li>
                  <Link to={PATHS.orgAuditLog(org)} aria-label={`${org.displayName} audit log`}>
                    Audit log
                  </Link>
                </li>
              )}
            </ul>
          </div>
        ))}
      </nav>
      <div className="settings-content">{children}</div>
    </div>
  );
}
