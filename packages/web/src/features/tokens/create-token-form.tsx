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

type Reach = 'all' | 'chosen' | 'personal';

/** Addresses or CIDR ranges, one per line or separated by commas or spaces (the server checks each). */
export function parseAllowedIps(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function CreateTokenForm({ onCreated }: { onCreated: (token: NewToken) => void }) {
  const { client, accounts } = useSession();
  const organizations = accounts.filter((a) => a.isOrganization);
  const [name, setName] = useState('');
  const [reach, setReach] = useState<Reach>('all');
  const [chosenOrgs, setChosenOrgs] = useState<string[]>([]);
  const [allowedIps, setAllowedIps] = useState('');
  const [scopes, setScopes] = useState<ReadonlySet<Scope>>(new Set());
  const [expiry, setExpiry] = useState(String(DEFAULT_PRESET_DAYS));
  const [customDate, setCustomDate] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const action = useAction();
  const scopesId = useId();
  const reachId = useId();
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
    if (reach === 'chosen' && chosenOrgs.length === 0) problems.organization_ids = 'Choose at least one organization.';
    setLocalErrors(problems);
    if (Object.keys(problems).length > 0) return;
    const expiresAt = expiry === CUSTOM ? customDate : presetExpiry(Number(expiry), Date.now());
    // Keep the catalog's order, so the same choice always reads the same.
    const chosen = SCOPE_INFO.map((s) => s.scope).filter((s) => scopes.has(s));
    const ips = parseAllowedIps(allowedIps);
    const result = await action.run(() =>
      client.tokens.create({
        name: name.trim(),
        scopes: chosen,
        expires_at: expiresAt,
        ...(reach === 'chosen' ? { organization_ids: chosenOrgs } : reach === 'personal' ? { personal_only: true } : {}),
        ...(ips.length > 0 ? { allowed_ips: ips } : {}),
      }),
    );
    if (result.ok) {
      setName('');
      setReach('all');
      setChosenOrgs([]);
      setAllowedIps('');
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

      <fieldset className={errors.organization_ids ? 'fieldset field-invalid' : 'fieldset'} aria-describedby={errors.organization_ids ? `${reachId}-error` : undefined}>
        <legend>Organizations it may act for</legend>
        {(
          [
            ['all', 'Every organization I belong to', 'As today: with X-OrganizationId it acts for any of your organizations.'],
            ['chosen', 'Only the organizations I choose', 'Leaving one of them later does not widen the token.'],
            ['personal', 'My personal account only', 'It may not act for any organization.'],
          ] as const
        ).map(([value, label, hint]) => (
          <label key={value} className="check">
            <input type="radio" name={`${reachId}-reach`} value={value} checked={reach === value} onChange={() => setReach(value)} />
            <span>
              <span className="check-label">{label}</span>
              <span className="check-hint">{hint}</span>
            </span>
          </label>
        ))}
        {reach === 'chosen' && (
          <Field label="Organizations" hint={organizations.length === 0 ? 'You belong to no organization yet.' : 'Hold Ctrl (⌘ on a Mac) to choose several.'}>
            {(control) => (
              <select
                {...control}
                className="select"
                multiple
                size={Math.min(6, Math.max(2, organizations.length))}
                value={chosenOrgs}
                onChange={(e) => setChosenOrgs([...e.target.selectedOptions].map((o) => o.value))}
              >
                {organizations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.displayName}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        {errors.organization_ids && (
          <p id={`${reachId}-error`} className="field-error">
            {errors.organization_ids}
          </p>
        )}
      </fieldset>

      <Field
        label="Allowed IP addresses (optional)"
        hint="IPv4 or IPv6 addresses or CIDR ranges such as 203.0.113.0/24, one per line (at most 20). Empty: usable from anywhere. Requests from elsewhere are refused."
        error={errors.allowed_ips}
      >
        {(control) => <textarea {...control} className="input mono" rows={2} maxLength={1400} value={allowedIps} onChange={(e) => setAllowedIps(e.target.value)} />}
      </Field>

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
