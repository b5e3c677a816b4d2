import { ROLES } from '@qonduit/sdk';
import type { Member, Role } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field } from '../../shared/ui';
import { roleFrom } from '../../shared/roles';
import { useAction } from '../../shared/use-async';

export function AddMemberForm({ orgId, onAdded }: { orgId: string; onAdded: (member: Member) => void }) {
  const { client } = useSession();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() => client.orgs.members.add(orgId, { email: email.trim(), role }));
    if (result.ok) {
      setEmail('');
      onAdded(result.value);
    }
  }

  return (
    <form className="stack add-member" onSubmit={submit} aria-label="Add a member">
      <h3>Add a member</h3>
      <ErrorAlert error={action.error} />
      <div className="row">
        <Field label="Email" hint="The person needs a Qonduit account first." error={errors.email}>
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
            {action.pending ? 'Adding…' : 'Add member'}
          </button>
        </div>
      </div>
    </form>
  );
}
