import { useState } from 'react';
import type { FormEvent } from 'react';
import { PATHS } from '../../app/paths';
import { Link, navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { Badge, ErrorAlert, Field, PageHeader, Section } from '../../shared/ui';
import { useAction } from '../../shared/use-async';
import { MyInvitations } from './my-invitations';

export function OrganizationsPage() {
  const { accounts } = useSession();
  const orgs = accounts.filter((a) => a.isOrganization);
  return (
    <div className="page">
      <PageHeader
        title="Organizations"
        description="An organization shares provider access tokens and jobs among its members. Owners manage members and roles; maintainers change the organization's provider tokens; viewers run jobs with them."
      />
      <MyInvitations />
      <Section title="Your organizations">
        {orgs.length === 0 ? (
          <p className="empty">You are not a member of any organization yet.</p>
        ) : (
          <ul className="org-list">
            {orgs.map((org) => (
              <li key={org.id}>
                <Link to={PATHS.orgSettings(org)}>{org.displayName}</Link>
                <Badge>{org.role ?? 'member'}</Badge>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Create an organization" description="You become its owner.">
        <CreateOrgForm />
      </Section>
    </div>
  );
}

function CreateOrgForm() {
  const { client, refreshAccounts, selectAccount } = useSession();
  const [name, setName] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() => client.orgs.create({ name: name.trim() }));
    if (result.ok) {
      await refreshAccounts();
      selectAccount(result.value.id);
      navigate(PATHS.orgSettings(result.value));
    }
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <ErrorAlert error={action.error} />
      <Field label="Organization name" error={errors.name}>
        {(control) => <input {...control} className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <button type="submit" className="button button-primary" disabled={action.pending}>
        {action.pending ? 'Creating…' : 'Create organization'}
      </button>
    </form>
  );
}
