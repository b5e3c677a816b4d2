import type { Organization } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field, Section } from '../../shared/ui';
import { useAction } from '../../shared/use-async';

interface Props {
  orgId: string;
  name: string;
  onRenamed: (org: Organization) => void;
}

/** Owners only (the server's policy says so too): the organization's name, editable. */
export function RenameOrgSection({ orgId, name, onRenamed }: Props) {
  const { client, refreshAccounts } = useSession();
  const [draft, setDraft] = useState(name);
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const errors = fieldErrors(action.error);
  const next = draft.trim();
  const unchanged = next === name;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (unchanged || next === '') return;
    setSaved(null);
    const result = await action.run(() => client.orgs.rename(orgId, next));
    if (!result.ok) return;
    setDraft(result.value.name);
    setSaved(result.value.name);
    onRenamed(result.value);
    // The switcher and the side navigation show the name too.
    await refreshAccounts();
  }

  return (
    <Section title="Organization name" description="Members see the new name at once. Jobs, tokens and members stay as they are.">
      <form className="inline-form" onSubmit={submit} aria-label="Rename the organization">
        <ErrorAlert error={action.error} context={{ subject: 'This organization' }} />
        {saved !== null && !action.error && (
          <p className="alert alert-success" role="status">
            Renamed to “{saved}”.
          </p>
        )}
        <Field label="Name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              className="input"
              required
              maxLength={100}
              value={draft}
              onChange={(e) => {
                setDraft(e.target.value);
                setSaved(null);
              }}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={action.pending || unchanged || next === ''}>
          {action.pending ? 'Renaming…' : 'Rename'}
        </button>
      </form>
    </Section>
  );
}
