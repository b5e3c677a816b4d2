import type { MyInvitation } from '@qonduit/sdk';
import { PATHS } from '../../app/paths';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { Badge, ErrorAlert, Section, Time } from '../../shared/ui';
import { useAction, useLoad } from '../../shared/use-async';

/** Invitations addressed to my e-mail: nothing changes until I accept one. */
export function MyInvitations() {
  const { client, refreshAccounts, selectAccount } = useSession();
  const invitations = useLoad(async (signal) => {
    const all: MyInvitation[] = [];
    for await (const invitation of client.user.invitations.iterate({ signal })) all.push(invitation);
    return all;
  }, [client]);
  const answer = useAction();
  const drop = (id: string) => invitations.update((list) => list?.filter((i) => i.id !== id));

  async function accept(invitation: MyInvitation) {
    const result = await answer.run(() => client.user.invitations.accept(invitation.id));
    if (!result.ok) return;
    drop(invitation.id);
    await refreshAccounts();
    selectAccount(result.value.id);
    navigate(PATHS.orgSettings(result.value));
  }

  async function decline(invitation: MyInvitation) {
    const result = await answer.run(() => client.user.invitations.decline(invitation.id));
    if (result.ok) drop(invitation.id);
  }

  if (!invitations.data?.length && !invitations.error) return null;
  return (
    <Section title="Invitations" description="Organizations that invited you. You become a member only when you accept.">
      <ErrorAlert error={invitations.error} />
      <ErrorAlert error={answer.error} context={{ subject: 'This invitation' }} />
      <ul className="org-list" aria-label="Your invitations">
        {(invitations.data ?? []).map((invitation) => (
          <li key={invitation.id}>
            <span>
              <strong>{invitation.organization.name}</strong> as <Badge>{invitation.role}</Badge>
              {invitation.invited_by.name && <span className="subtle"> from {invitation.invited_by.name}</span>}
              <span className="subtle">
                {' '}
                · expires <Time iso={invitation.expires_at} relative />
              </span>
            </span>
            <span className="row">
              <button
                type="button"
                className="button button-small button-primary"
                disabled={answer.pending}
                onClick={() => void accept(invitation)}
                aria-label={`Accept the invitation to ${invitation.organization.name}`}
              >
                Accept
              </button>
              <button
                type="button"
                className="button button-small"
                disabled={answer.pending}
                onClick={() => void decline(invitation)}
                aria-label={`Decline the invitation to ${invitation.organization.name}`}
              >
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
    </Section>
  );
}
