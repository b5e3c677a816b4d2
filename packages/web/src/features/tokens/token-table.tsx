import type { Token } from '@qonduit/sdk';
import { Badge, Time } from '../../shared/ui';
import type { Tone } from '../../shared/ui';

const STATE_TONE: Record<Token['state'], Tone> = { active: 'success', expired: 'neutral', revoked: 'danger' };

interface Props {
  tokens: readonly Token[];
  /** Tokens with a current notice (features/notices): expiring, or about to be retired for disuse. */
  noticed?: ReadonlyMap<string, 'pat_expiring' | 'pat_inactive' | 'provider_token_failed'>;
  onRevoke: (token: Token) => void;
  onRotate: (token: Token) => void;
  /** Change where the token may be used from (its IP allowlist). */
  onAddresses?: (token: Token) => void;
}

export function TokenTable({ tokens, onRevoke, onRotate, onAddresses, noticed }: Props) {
  if (tokens.length === 0) return <p className="empty">You have no personal access tokens yet.</p>;
  return (
    <table className="table responsive-table">
      <caption className="visually-hidden">Your personal access tokens</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Scopes</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Expires</th>
          <th scope="col">State</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <TokenRow key={token.id} token={token} onRevoke={onRevoke} onRotate={onRotate} onAddresses={onAddresses} notice={noticed?.get(token.id)} />
        ))}
      </tbody>
    </table>
  );
}

function TokenRow({
  token,
  onRevoke,
  onRotate,
  onAddresses,
  notice,
}: {
  token: Token;
  onRevoke: Props['onRevoke'];
  onRotate: Props['onRotate'];
  onAddresses?: Props['onAddresses'];
  notice?: string | undefined;
}) {
  const active = token.state === 'active';
  return (
    <tr className={active ? undefined : 'row-muted'}>
      <th scope="row" data-label="Name">
        <span className="token-name">{token.name}</span>
        <span className="mono subtle token-hint" aria-label={`ending in ${maskedTail(token.hint)}`}>
          {maskedHint(token.hint)}
        </span>
        {token.organizations !== null && (
          <span className="subtle token-restriction">
            {token.personal_only ? 'Personal account only' : `Acts for ${token.organizations.map((o) => o.name ?? 'a deleted organization').join(', ')} only`}
          </span>
        )}
        {token.allowed_ips !== null && <span className="subtle token-restriction">From {token.allowed_ips.join(', ')}</span>}
      </th>
      <td data-label="Scopes">
        <span className="chips">
          {token.scopes.map((s) => (
            <span key={s} className="chip mono">
              {s}
            </span>
          ))}
        </span>
      </td>
      <td data-label="Created">
        <Time iso={token.created_at} relative />
      </td>
      <td data-label="Last used">
        {token.last_used_at ? (
          <>
            <Time iso={token.last_used_at} relative />
            {token.last_used_ip && <span className="subtle"> from {token.last_used_ip}</span>}
          </>
        ) : (
          <span className="subtle">Never</span>
        )}
      </td>
      <td data-label="Expires" className={token.expires_soon ? 'expires-soon' : undefined}>
        <Time iso={token.expires_at} relative />
        {token.expires_soon && <Badge tone="warning">Expires soon</Badge>}
        {!token.expires_soon && notice === 'pat_expiring' && <Badge tone="warning">Expiring</Badge>}
        {notice === 'pat_inactive' && <Badge tone="warning">Unused: to be revoked</Badge>}
      </td>
      <td data-label="State">
        <Badge tone={STATE_TONE[token.state]}>{token.state}</Badge>
      </td>
      <td data-label="Actions" className="actions-cell">
        {active && (
          <span className="actions">
            <button type="button" className="button button-small" onClick={() => onRotate(token)} aria-label={`Rotate ${token.name}`}>
              Rotate
            </button>
            {onAddresses && (
              <button type="button" className="button button-small" onClick={() => onAddresses(token)} aria-label={`Allowed addresses of ${token.name}`}>
                Addresses
              </button>
            )}
            <button type="button" className="button button-small button-danger-outline" onClick={() => onRevoke(token)} aria-label={`Revoke ${token.name}`}>
              Revoke
            </button>
          </span>
        )}
      </td>
    </tr>
  );
}

// The API keeps `qdp_` plus the last 4 characters; shown as the token's start and end.
function maskedTail(hint: string): string {
  return hint.startsWith('qdp_') ? hint.slice(4) : hint;
}

function maskedHint(hint: string): string {
  return hint.startsWith('qdp_') ? `qdp_…${hint.slice(4)}` : hint;
}
