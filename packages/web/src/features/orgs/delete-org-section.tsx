import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { PATHS } from '../../app/paths';
import { navigate } from '../../app/router';
import { useSession } from '../../app/session';
import { Dialog } from '../../shared/dialog';
import { ErrorAlert, Field, Section } from '../../shared/ui';
import { useAction } from '../../shared/use-async';

/**
 * Owners only. Deleting cannot be undone and ends what members rely on (DESIGN.md: the jobs
 * are cancelled and the provider tokens destroyed), so the owner types the organization's name
 * first, as GitHub asks: a click alone, or Enter in the wrong window, deletes nothing.
 */
export function DeleteOrgSection({ orgId, name }: { orgId: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <Section
      tone="danger"
      title="Delete this organization"
      description={
        <p>
          Deleting <strong>{name}</strong> cancels its unfinished jobs, destroys its provider access tokens and removes every member. It cannot be undone.
        </p>
      }
      actions={
        <button type="button" className="button button-danger-outline" onClick={() => setConfirming(true)}>
          Delete organization
        </button>
      }
    >
      {confirming && <DeleteOrgDialog orgId={orgId} name={name} onClose={() => setConfirming(false)} />}
    </Section>
  );
}

function DeleteOrgDialog({ orgId, name, onClose }: { orgId: string; name: string; onClose: () => void }) {
  const { client, accounts, user, selectAccount, refreshAccounts } = useSession();
  const [typed, setTyped] = useState('');
  const action = useAction();
  const formId = useId();
  const matches = typed.trim() === name;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!matches) return;
    const result = await action.run(() => client.orgs.delete(orgId));
    if (!result.ok) return;
    // Act for the personal account again, and leave the page in the same step: until the
    // accounts reload, the organization's page would otherwise choose it once more.
    selectAccount(accounts.find((a) => !a.isOrganization)?.id ?? user.id);
    navigate(PATHS.organizations);
    await refreshAccounts();
  }

  return (
    <Dialog
      title={`Delete “${name}”?`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-danger" disabled={!matches || action.pending}>
            {action.pending ? 'Deleting…' : 'Delete this organization'}
          </button>
        </>
      }
    >
      <p>
        This cancels the unfinished jobs of <strong>{name}</strong>, destroys its provider access tokens and removes its members. It cannot be undone.
      </p>
      <form id={formId} className="stack" onSubmit={submit} aria-label="Confirm deletion">
        <Field label={<>Type <strong className="confirm-name">{name}</strong> to confirm</>}>
          {(control) => (
            <input
              {...control}
              className="input"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          )}
        </Field>
      </form>
      <ErrorAlert error={action.error} context={{ subject: 'This organization' }} />
    </Dialog>
  );
}
