import { PATHS } from '../../app/paths';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { ErrorAlert, Loading, PageHeader } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';
import { OrgNoticesBanner } from '../notices/org-notices-banner';
import { ProviderTokensSection } from '../provider-tokens/provider-tokens-section';
import { DeleteOrgSection } from './delete-org-section';
import { MembersSection } from './members-section';
import { RenameOrgSection } from './rename-org-section';
import { SpendingSection } from './spending-section';
import { TokenPolicySection } from './token-policy-section';

const ROLE_SUMMARY = {
  owner: 'You are an owner: you manage members, roles and the provider tokens, and you can rename or delete the organization.',
  maintainer: "You are a maintainer: you change the organization's provider tokens; owners manage members.",
  viewer: "You are a viewer: you see the organization and run jobs with its provider tokens, but change nothing.",
} as const;

export function OrgSettingsPage({ orgId }: { orgId: string }) {
  const { client } = useSession();
  const org = useLoad((signal) => client.orgs.get(orgId, { signal }), [client, orgId]);

  if (!org.data) {
    return (
      <div className="page">
        {org.error ? <ErrorAlert error={org.error} context={{ subject: 'This organization' }} /> : <Loading />}
      </div>
    );
  }
  const { name, role } = org.data;
  return (
    <div className="page">
      <PageHeader
        title={`${name} settings`}
        description={
          <p>
            {ROLE_SUMMARY[role]}
            {role !== 'viewer' && (
              <>
                {' '}
                <Link to={PATHS.orgAuditLog(org.data)}>See the organization&apos;s audit log</Link>.
              </>
            )}
          </p>
        }
      />
      {role !== 'viewer' && <OrgNoticesBanner orgId={orgId} />}
      <MembersSection orgId={orgId} orgName={name} role={role} />
      <ProviderTokensSection owner={{ orgId, orgName: name, role }} />
      <SpendingSection orgId={orgId} role={role} />
      <TokenPolicySection orgId={orgId} role={role} />
      {role === 'owner' && (
        <>
          <RenameOrgSection orgId={orgId} name={name} onRenamed={(renamed) => org.update(() => renamed)} />
          <DeleteOrgSection orgId={orgId} name={name} />
        </>
      )}
    </div>
  );
}
