import { ROLES } from '@qonduit/sdk';
import type { Invitation, Role } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field, Notice } from '../../shared/ui';
import { roleFrom } from '../../shared/roles';
import { useAction } from '../../shared/use-async';

/** Inviting by e-mail: the server answers the same whether or not the e-mail has an account. */
export function AddMemberForm({ orgId, onInvited }: { orgId: string; onInvited: (invitation: Invitation) => void }) {
  const { client } = useSession();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [sent, setSent] = useState<Invitation | null>(null);
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(null);
    const result = await action.run(() => client.orgs.members.add(orgId, { email: email.trim(), role }));
    if (result.ok) {
      setEmail('');
      setSent(result.value.invitation);
      onInvited(result.value.invitation);
    }
  }

  return (
    <form className="stack add-member" onSubmit={submit} aria-label="Invite a member">
      <h3>Invite a member</h3>
      <ErrorAlert error={action.error} />
      {sent && (
        <Notice tone="success">
          Invitation sent to {sent.email} as {sent.role}. They become a member when they accept it.
        </Notice>
      )}
      <div className="row">
        <Field label="Email" hint="They see the invitation when they sign in with this e-mail, and join by accepting it." error={errors.email}>
          {(control) => <input {...control} className="input" type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Role" error={errors.role}>
          {(control) => (
            <select {...control} className="select" value={role} onChange={(e) => setRole(roleFrom(e.target.value) ?? 'viewer')}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="row-end">
          <button type="submit" className="button button-primary" disabled={action.pending}>
            {action.pending ? 'Inviting…' : 'Invite'}
          </button>
        </div>
      </div>
    </form>
  );
}
