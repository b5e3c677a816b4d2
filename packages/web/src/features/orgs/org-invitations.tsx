import type { OrgInvitation } from '@qonduit/sdk';
import { useSession } from '../../app/session';
import { Badge, ErrorAlert, Time } from '../../shared/ui';
import { useAction } from '../../shared/use-async';

interface Props {
  orgId: string;
  orgName: string;
  isOwner: boolean;
  invitations: OrgInvitation[];
  onRevoked: (id: string) => void;
}

/** The organization's open invitations; owners revoke them. */
export function OrgInvitations({ orgId, orgName, isOwner, invitations, onRevoked }: Props) {
  const { client } = useSession();
  const revoke = useAction();
  if (invitations.length === 0) return null;

  async function revokeOne(invitation: OrgInvitation) {
    const result = await revoke.run(() => client.orgs.invitations.revoke(orgId, invitation.id));
    if (result.ok) onRevoked(invitation.id);
  }

  return (
    <div className="stack">
      <h3>Pending invitations</h3>
      <ErrorAlert error={revoke.error} context={{ subject: 'This invitation' }} />
      <table className="table responsive-table">
        <caption className="visually-hidden">Open invitations to {orgName}</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((invitation) => (
            <tr key={invitation.id}>
              <th scope="row" data-label="Email">
                {invitation.email}
              </th>
              <td data-label="Role">
                <Badge>{invitation.role}</Badge>
              </td>
              <td data-label="Expires">
                {invitation.status === 'expired' ? <Badge tone="warning">expired</Badge> : <Time iso={invitation.expires_at} relative />}
              </td>
              <td data-label="Actions" className="actions-cell">
                {isOwner && (
                  <button
                    type="button"
                    className="button button-small button-danger-outline"
                    disabled={revoke.pending}
                    onClick={() => void revokeOne(invitation)}
                    aria-label={`Revoke the invitation to ${invitation.email}`}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
