import type { Provider, ProviderToken } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Dialog } from '../../shared/dialog';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field } from '../../shared/ui';
import { useAction } from '../../shared/use-async';
import { checkCredential, filledCredential } from './credential-check';

interface Props {
  provider: Provider;
  existing: ProviderToken | undefined;
  accountLabel: string;
  save: (credentials: Record<string, string>) => Promise<ProviderToken>;
  onSaved: (token: ProviderToken) => void;
  onClose: () => void;
}

/**
 * Add or replace a provider token, with a form built from the catalog's credential fields.
 * Secret fields are password inputs that start empty, always: the API never returns a secret,
 * and a replacement sends the whole credential again. Non-secret fields (a region, a CRN)
 * start from their stored values.
 */
export function CredentialDialog({ provider, existing, accountLabel, save, onSaved, onClose }: Props) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(provider.fields.map((f) => [f.name, !f.secret && existing ? (existing.hints[f.name] ?? '') : ''])),
  );
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const errors = { ...fieldErrors(action.error, 'credentials.'), ...localErrors };
  const formId = `credential-form-${provider.id}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkCredential(provider.fields, values);
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const result = await action.run(() => save(filledCredential(values)));
    if (result.ok) {
      onSaved(result.value);
      onClose();
    }
  }

  return (
    <Dialog
      title={`${existing ? 'Replace' : 'Add'} ${provider.display_name} token`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button button-primary" disabled={action.pending}>
            {action.pending ? 'Saving…' : existing ? 'Replace token' : 'Save token'}
          </button>
        </>
      }
    >
      <form id={formId} className="stack" onSubmit={submit} noValidate>
        <p className="subtle">
          For {accountLabel}. Qonduit stores it encrypted and never shows it again, only its last characters.{' '}
          <a href={provider.token_url} target="_blank" rel="noreferrer noopener">
            Get one from {provider.display_name}
          </a>
        </p>
        <ErrorAlert error={action.error} />
        {provider.fields.map((field, index) => (
          <Field key={field.name} label={`${field.label}${field.required ? '' : ' (optional)'}`} hint={field.description} error={errors[field.name]}>
            {(control) => (
              <input
                {...control}
                className={field.secret ? 'input mono' : 'input'}
                type={field.secret ? 'password' : 'text'}
                // Password managers must not offer the user's own password here.
                autoComplete={field.secret ? 'new-password' : 'off'}
                spellCheck={false}
                autoFocus={index === 0}
                required={field.required}
                maxLength={field.max_length}
                value={values[field.name] ?? ''}
                onChange={(e) => setValues((v) => ({ ...v, [field.name]: e.target.value }))}
              />
            )}
          </Field>
        ))}
      </form>
    </Dialog>
  );
}
