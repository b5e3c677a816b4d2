import { useEffect } from 'react';
import { AuditPage } from '../features/audit/audit-page';
import { JobsPage } from '../features/jobs/jobs-page';
import { OrgSettingsPage } from '../features/orgs/org-settings-page';
import { OrganizationsPage } from '../features/orgs/organizations-page';
import { UserProviderTokensPage } from '../features/provider-tokens/user-provider-tokens-page';
import { SettingsLayout } from '../features/settings/settings-layout';
import { TokensPage } from '../features/tokens/tokens-page';
import { PageHeader } from '../shared/ui';
import { PATHS } from './paths';
import { Link, matchPath, navigate } from './router';
import { orgAccountAt, useSession } from './session';


function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function Routes({ path }: { path: string }) {
  if (path === '/' || path === '/login' || path === '/signup') return <Redirect to={PATHS.jobs} />;
  if (matchPath(PATHS.jobs, path)) return <JobsPage />;
  if (matchPath('/settings', path)) return <Redirect to={PATHS.tokens} />;

  const { accounts } = useSession();
  const address = matchPath('/orgs/:id/:page', path);
  // The address names the organization by slug (or, in older links, by id).
  const org = address?.id ? { ...address, id: orgAccountAt(accounts, address.id)?.id ?? address.id } : null;
  const settingsPage = settingsPageFor(path, org);
  if (settingsPage) return <SettingsLayout>{settingsPage}</SettingsLayout>;
  return <NotFoundPage />;
}

function settingsPageFor(path: string, org: Record<string, string> | null) {
  if (matchPath(PATHS.tokens, path)) return <TokensPage />;
  if (matchPath(PATHS.providerTokens, path)) return <UserProviderTokensPage />;
  if (matchPath(PATHS.organizations, path)) return <OrganizationsPage />;
  if (matchPath(PATHS.auditLog, path)) return <AuditPage />;
  if (org?.id && org.page === 'settings') return <OrgSettingsPage key={org.id} orgId={org.id} />;
  if (org?.id && org.page === 'audit-log') return <AuditPage key={org.id} orgId={org.id} />;
  return null;
}

function NotFoundPage() {
  return (
    <div className="page">
      <PageHeader title="Page not found" description="There is no page at this address." />
      <p>
        <Link to={PATHS.jobs}>Go to your jobs</Link> or <Link to={PATHS.tokens}>your settings</Link>.
      </p>
    </div>
  );
}
