import type { Token } from '@qonduit/sdk';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { Dialog } from '../../shared/dialog';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field } from '../../shared/ui';
import { useAction } from '../../shared/use-async';
import { parseAllowedIps } from './create-token-form';

/** Where a token may be used from (its IP allowlist): changed at once, on every server. */
export function AllowlistDialog({ token, onClose, onSaved }: { token: Token; onClose: () => void; onSaved: (token: Token) => void }) {
  const { client } = useSession();
  const [text, setText] = useState((token.allowed_ips ?? []).join('\n'));
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function save() {
    const ips = parseAllowedIps(text);
    const result = await action.run(() => client.tokens.update(token.id, { allowed_ips: ips.length > 0 ? ips : null }));
    if (result.ok) {
      onSaved(result.value);
      onClose();
    }
  }

  return (
    <Dialog
      title={`Where “${token.name}” may be used from`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="button button-primary" onClick={save} disabled={action.pending}>
            {action.pending ? 'Saving…' : 'Save addresses'}
          </button>
        </>
      }
    >
      <Field
        label="Allowed IP addresses"
        hint="IPv4 or IPv6 addresses or CIDR ranges, one per line (at most 20). Empty: usable from anywhere. The address is the client's as the server sees it."
        error={errors.allowed_ips}
      >
        {(control) => <textarea {...control} className="input mono" rows={4} maxLength={1400} value={text} onChange={(e) => setText(e.target.value)} autoFocus />}
      </Field>
      <ErrorAlert error={action.error} context={{ subject: 'This token' }} />
    </Dialog>
  );
}
