import { ROLES } from '@qonduit/sdk';
import type { Member, OrgInvitation, Role } from '@qonduit/sdk';
import { useState } from 'react';
import { PATHS } from '../../app/paths';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { ConfirmDialog } from '../../shared/dialog';
import { Badge, ErrorAlert, Loading, Section, Time } from '../../shared/ui';
import { roleFrom } from '../../shared/roles';
import { useAction, useLoad } from '../../shared/use-async';
import { AddMemberForm } from './add-member-form';
import { OrgInvitations } from './org-invitations';

interface Props {
  orgId: string;
  orgName: string;
  role: Role;
}

export function MembersSection({ orgId, orgName, role }: Props) {
  const { client, user, refreshAccounts } = useSession();
  const members = useLoad(async (signal) => {
    const all: Member[] = [];
    for await (const member of client.orgs.members.iterate(orgId, { signal })) all.push(member);
    return all;
  }, [client, orgId]);
  const invitations = useLoad(async (signal) => {
    const all: OrgInvitation[] = [];
    for await (const invitation of client.orgs.invitations.iterate(orgId, { signal })) all.push(invitation);
    return all;
  }, [client, orgId]);
  const change = useAction();
  const [removing, setRemoving] = useState<Member | null>(null);
  const isOwner = role === 'owner';

  async function setRole(member: Member, next: Role) {
    const result = await change.run(() => client.orgs.members.setRole(orgId, member.user_id, next));
    if (result.ok) members.update((list) => list?.map((m) => (m.user_id === member.user_id ? result.value : m)));
    // Changing one's own role changes what this page may show.
    if (result.ok && member.user_id === user.id) await refreshAccounts();
  }

  const leaving = removing?.user_id === user.id;

  return (
    <Section title="Members" description={isOwner ? 'Owners invite members, change roles and remove members.' : 'Only owners manage members and roles.'}>
      <ErrorAlert error={members.error} />
      <ErrorAlert error={change.error} context={{ subject: 'This member' }} />
      {members.data ? (
        <table className="table responsive-table">
          <caption className="visually-hidden">Members of {orgName}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((member) => (
              <tr key={member.user_id}>
                <th scope="row" data-label="Name">
                  {member.name}
                  {member.user_id === user.id && <span className="subtle"> (you)</span>}
                </th>
                <td data-label="Email">{member.email}</td>
                <td data-label="Role">
                  {isOwner ? (
                    <select
                      className="select select-small"
                      aria-label={`Role of ${member.name}`}
                      value={member.role}
                      disabled={change.pending}
                      onChange={(e) => {
                        const next = roleFrom(e.target.value);
                        if (next) void setRole(member, next);
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <Badge>{member.role}</Badge>
                  )}
                </td>
                <td data-label="Added">
                  <Time iso={member.added_at} relative />
                </td>
                <td data-label="Actions" className="actions-cell">
                  {(isOwner || member.user_id === user.id) && (
                    <button
                      type="button"
                      className="button button-small button-danger-outline"
                      onClick={() => setRemoving(member)}
                      aria-label={member.user_id === user.id ? `Leave ${orgName}` : `Remove ${member.name}`}
                    >
                      {member.user_id === user.id ? 'Leave' : 'Remove'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        !members.error && <Loading />
      )}
      <ErrorAlert error={invitations.error} />
      {invitations.data && (
        <OrgInvitations
          orgId={orgId}
          orgName={orgName}
          isOwner={isOwner}
          invitations={invitations.data}
          onRevoked={(id) => invitations.update((list) => list?.filter((i) => i.id !== id))}
        />
      )}
      {isOwner && <AddMemberForm orgId={orgId} onInvited={() => invitations.reload()} />}

      {removing && (
        <ConfirmDialog
          title={leaving ? `Leave ${orgName}?` : `Remove ${removing.name}?`}
          confirmLabel={leaving ? 'Leave organization' : 'Remove member'}
          danger
          subject="This member"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await client.orgs.members.remove(orgId, removing.user_id);
            if (leaving) {
              await refreshAccounts();
              navigate(PATHS.organizations);
            } else {
              members.update((list) => list?.filter((m) => m.user_id !== removing.user_id));
            }
          }}
        >
          <p>
            {leaving
              ? `You lose access to ${orgName}, its jobs and its provider tokens at once.`
              : `${removing.name} loses access to ${orgName}, its jobs and its provider tokens at once.`}
          </p>
        </ConfirmDialog>
      )}
    </Section>
  );
}
