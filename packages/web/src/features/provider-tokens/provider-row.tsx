import type { Provider, ProviderToken, ProviderTokenVerification } from '@qonduit/sdk';
import { Badge, Time } from '../../shared/ui';
import type { Tone } from '../../shared/ui';
import { ProviderLogo } from './provider-logo';

const STATUS: Record<ProviderToken['status'], { tone: Tone; label: string }> = {
  valid: { tone: 'success', label: 'Valid' },
  invalid: { tone: 'danger', label: 'Invalid' },
  unchecked: { tone: 'neutral', label: 'Not checked yet' },
};

const CHECK_RESULT: Record<ProviderTokenVerification['check']['result'], string> = {
  valid: 'The provider accepted the token.',
  invalid: 'The provider refused the token.',
  unreachable: 'The provider could not be reached; try again later.',
  unsupported: 'This provider offers no way to check a token without running a job.',
};

interface Props {
  provider: Provider;
  token: ProviderToken | undefined;
  canManage: boolean;
  checking: boolean;
  lastCheck: ProviderTokenVerification['check'] | undefined;
  onEdit: () => void;
  onRemove: () => void;
  onCheck: () => void;
}

export function ProviderRow({ provider, token, canManage, checking, lastCheck, onEdit, onRemove, onCheck }: Props) {
  const labelFor = (name: string) => provider.fields.find((f) => f.name === name)?.label ?? name;
  return (
    <li className="provider-row" aria-label={provider.display_name}>
      <ProviderLogo id={provider.id} name={provider.display_name} />
      <div className="provider-main">
        <div className="provider-title">
          <h3>{provider.display_name}</h3>
          {token ? <Badge tone="info">Set</Badge> : <Badge>Not set</Badge>}
        </div>
        {token ? (
          <>
            <dl className="hints">
              {Object.entries(token.hints).map(([name, hint]) => (
                <div key={name}>
                  <dt>{labelFor(name)}</dt>
                  <dd className="mono">{hint}</dd>
                </div>
              ))}
            </dl>
            <p className="subtle provider-check">
              {token.checked_at ? (
                <>
                  Last checked <Time iso={token.checked_at} relative />: <Badge tone={STATUS[token.status].tone}>{STATUS[token.status].label}</Badge>
                  {token.check_message && <span> {token.check_message}</span>}
                </>
              ) : (
                <>
                  <Badge>{STATUS.unchecked.label}</Badge> Updated <Time iso={token.updated_at} relative />
                  {token.updated_by.name && ` by ${token.updated_by.name}`}.
                </>
              )}
            </p>
          </>
        ) : (
          <p className="subtle">
            No token.
            {/* Only someone who can add a token needs to know where to get one. */}
            {canManage && (
              <>
                {' '}
                <a href={provider.token_url} target="_blank" rel="noreferrer noopener">
                  Get one from {provider.display_name}
                </a>
              </>
            )}
          </p>
        )}
        <p className="subtle" role="status">
          {lastCheck && CHECK_RESULT[lastCheck.result]}
          {lastCheck?.message && ` ${lastCheck.message}`}
        </p>
      </div>
      {canManage && (
        <div className="provider-actions">
          <button type="button" className="button button-small" onClick={onEdit} aria-label={`${token ? 'Replace' : 'Add'} ${provider.display_name} token`}>
            {token ? 'Replace' : 'Add token'}
          </button>
          {token && (
            <>
              <button type="button" className="button button-small" onClick={onCheck} disabled={checking} aria-label={`Check ${provider.display_name} token now`}>
                {checking ? 'Checking…' : 'Check now'}
              </button>
              <button type="button" className="button button-small button-danger-outline" onClick={onRemove} aria-label={`Remove ${provider.display_name} token`}>
                Remove
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
