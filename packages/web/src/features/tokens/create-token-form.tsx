import type { NewToken, Scope } from '@qonduit/sdk';
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { formatDate } from '../../shared/format';
import { ErrorAlert, Field } from '../../shared/ui';
import { useAction } from '../../shared/use-async';
import { DEFAULT_PRESET_DAYS, EXPIRY_PRESETS, checkCustomDate, customDateRange, presetExpiry } from './expiry';
import { CLI_SCOPES, SCOPE_INFO } from './scopes';

const CUSTOM = 'custom';

export function CreateTokenForm({ onCreated }: { onCreated: (token: NewToken) => void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<Scope>>(new Set());
  const [expiry, setExpiry] = useState(String(DEFAULT_PRESET_DAYS));
  const [customDate, setCustomDate] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const scopesId = useId();
  const errors = { ...fieldErrors(action.error), ...localErrors };
  const now = Date.now();
  const range = customDateRange(now);

  function toggle(scope: Scope, on: boolean) {
    const next = new Set(scopes);
    if (on) next.add(scope);
    else next.delete(scope);
    setScopes(next);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (name.trim() === '') problems.name = 'Give the token a name.';
    if (scopes.size === 0) problems.scopes = 'Choose at least one scope.';
    const dateProblem = expiry === CUSTOM ? checkCustomDate(customDate, Date.now()) : null;
    if (dateProblem) problems.expires_at = dateProblem;
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const expiresAt = expiry === CUSTOM ? customDate : presetExpiry(Number(expiry), Date.now());
    // Keep the catalog's order, so the same choice always reads the same.
    const chosen = SCOPE_INFO.map((s) => s.scope).filter((s) => scopes.has(s));
    const result = await action.run(() => client.tokens.create({ name: name.trim(), scopes: chosen, expires_at: expiresAt }));
    if (result.ok) {
      setName('');
      setScopes(new Set());
      setExpiry(String(DEFAULT_PRESET_DAYS));
      setCustomDate('');
      onCreated(result.value);
    }
  }

  const expiryHint = expiry === CUSTOM ? 'The token stops working at 00:00 UTC on this day.' : `Expires on ${formatDate(presetExpiry(Number(expiry), now))}.`;

  return (
    <form className="stack form-narrow" onSubmit={submit} aria-label="New personal access token" noValidate>
      <ErrorAlert error={action.error} />
      <Field label="Token name" hint="What the token is for, such as “laptop CLI” or “nightly job”." error={errors.name}>
        {(control) => <input {...control} className="input" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>

      <fieldset className={errors.scopes ? 'fieldset field-invalid' : 'fieldset'} aria-describedby={`${scopesId}-note${errors.scopes ? ` ${scopesId}-error` : ''}`}>
        <legend>Scopes</legend>
        {SCOPE_INFO.map(({ scope, allows }) => (
          // Named by the scope alone, described by what it allows: "api, checkbox, Everything…".
          <label key={scope} className="check">
            <input
              type="checkbox"
              checked={scopes.has(scope)}
              onChange={(e) => toggle(scope, e.target.checked)}
              aria-labelledby={`${scopesId}-${scope}-name`}
              aria-describedby={`${scopesId}-${scope}-hint`}
            />
            <span>
              <span id={`${scopesId}-${scope}-name`} className="mono check-label">
                {scope}
              </span>
              <span id={`${scopesId}-${scope}-hint`} className="check-hint">
                {allows}
              </span>
            </span>
          </label>
        ))}
        <p id={`${scopesId}-note`} className="field-hint">
          The Qonduit CLI needs <code>{CLI_SCOPES.join(', ')}</code>, which also runs jobs on <code>local.simulator</code>; add{' '}
          <code>quantum_tokens</code> to run jobs on a provider&rsquo;s backend. The SDK needs <code>api</code> and <code>quantum_tokens</code>.
        </p>
        {errors.scopes && (
          <p id={`${scopesId}-error`} className="field-error">
            {errors.scopes}
          </p>
        )}
      </fieldset>

      <div className="row">
        <Field label="Expires" hint={expiryHint}>
          {(control) => (
            <select {...control} className="select" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY_PRESETS.map((p) => (
                <option key={p.days} value={p.days}>
                  {p.label}
                </option>
              ))}
              <option value={CUSTOM}>On a date…</option>
            </select>
          )}
        </Field>
        {expiry === CUSTOM && (
          <Field label="Expiry date" error={errors.expires_at}>
            {(control) => <input {...control} className="input" type="date" min={range.min} max={range.max} value={customDate} onChange={(e) => setCustomDate(e.target.value)} />}
          </Field>
        )}
      </div>
      {expiry !== CUSTOM && errors.expires_at && (
        <p className="field-error" role="alert">
          {errors.expires_at}
        </p>
      )}

      <div>
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
