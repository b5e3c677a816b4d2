import type { PolicyAffectedTokens, Role, Scope, TokenPolicy } from '@qonduit/sdk';
import { useEffect, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { formatDate } from '../../shared/format';
import { ErrorAlert, Field, Loading, Section } from '../../shared/ui';
import { useAction, useLoad } from '../../shared/use-async';
import { SCOPE_INFO } from '../tokens/scopes';

// The organization's token policy (issue 16): what a personal access token must be to act for
// the organization. Owners change it here; every member sees it, and which tokens it refuses
// (owners: everyone's; others: their own). The server enforces it on every request.

interface Draft {
  limitLifetime: boolean;
  maxLifetimeDays: string;
  limitScopes: boolean;
  scopes: ReadonlySet<Scope>;
  requireRestricted: boolean;
  blockTokens: boolean;
}

function draftOf(p: TokenPolicy): Draft {
  return {
    limitLifetime: p.max_lifetime_days !== null,
    maxLifetimeDays: String(p.max_lifetime_days ?? 90),
    limitScopes: p.allowed_scopes !== null,
    scopes: new Set(p.allowed_scopes ?? ['read_api']),
    requireRestricted: p.require_restricted,
    blockTokens: p.block_personal_access_tokens,
  };
}

function PolicySummary({ policy }: { policy: TokenPolicy }) {
  return (
    <dl className="facts" aria-label="Token policy">
      <div>
        <dt>Maximum token lifetime</dt>
        <dd>{policy.max_lifetime_days === null ? 'No limit' : `${policy.max_lifetime_days} days`}</dd>
      </div>
      <div>
        <dt>Scopes tokens may use here</dt>
        <dd>{policy.allowed_scopes === null ? 'All scopes' : policy.allowed_scopes.join(', ') || 'None'}</dd>
      </div>
      <div>
        <dt>Restricted tokens only</dt>
        <dd>{policy.require_restricted ? 'Yes: only tokens that list this organization' : 'No'}</dd>
      </div>
      <div>
        <dt>Personal access tokens</dt>
        <dd>{policy.block_personal_access_tokens ? 'Blocked: web sessions only' : 'Allowed'}</dd>
      </div>
      {policy.updated_at && (
        <div>
          <dt>Last changed</dt>
          <dd>
            {formatDate(policy.updated_at)} by {policy.updated_by?.name ?? 'someone'}
          </dd>
        </div>
      )}
    </dl>
  );
}

function AffectedTokens({ affected, everyone }: { affected: PolicyAffectedTokens; everyone: boolean }) {
  if (affected.items.length === 0) {
    return <p className="empty">{everyone ? "The policy refuses none of the members' active tokens." : 'The policy refuses none of your active tokens.'}</p>;
  }
  return (
    <table className="table responsive-table" aria-label="Tokens the policy refuses">
      <caption className="visually-hidden">{everyone ? "Members' tokens the policy refuses or limits" : 'Your tokens the policy refuses or limits'}</caption>
      <thead>
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Token</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {affected.items.map((item) => {
          const refused = item.findings.some((f) => f.effect === 'refused');
          return (
            <tr key={item.token.id}>
              <td data-label="Member">
                {item.member.name}
                <span className="subtle"> · {item.member.email}</span>
              </td>
              <td data-label="Token">
                <span className="token-name">{item.token.name}</span> <span className="mono subtle">{item.token.hint}</span>
              </td>
              <td data-label="Why">
                <span className={refused ? 'badge badge-danger' : 'badge badge-warning'}>{refused ? 'Refused' : 'Limited'}</span>{' '}
                {item.findings.map((f) => f.message.replace(/^Organization '[^']*' /, '')).join('; ')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function TokenPolicySection({ orgId, role }: { orgId: string; role: Role }) {
  const { client, user } = useSession();
  const owner = role === 'owner';
  const policy = useLoad((signal) => client.orgs.tokenPolicy.get(orgId, { signal }), [client, orgId]);
  const affected = useLoad(
    (signal) => client.orgs.tokenPolicy.affectedTokens(orgId, owner ? {} : { member: user.id }, { signal }),
    [client, orgId, owner, user.id],
  );
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const errors = fieldErrors(action.error);
  const scopesId = useId();

  useEffect(() => {
    if (policy.data) setDraft(draftOf(policy.data));
  }, [policy.data]);

  const change = (next: Partial<Draft>) => {
    setSaved(false);
    setDraft((d) => (d ? { ...d, ...next } : d));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const days = Number(draft.maxLifetimeDays);
    const scopes = SCOPE_INFO.map((s) => s.scope).filter((s) => draft.scopes.has(s));
    const result = await action.run(() =>
      client.orgs.tokenPolicy.set(orgId, {
        max_lifetime_days: draft.limitLifetime ? days : null,
        allowed_scopes: draft.limitScopes ? scopes : null,
        require_restricted: draft.requireRestricted,
        block_personal_access_tokens: draft.blockTokens,
      }),
    );
    if (!result.ok) return;
    policy.update(() => result.value);
    setSaved(true);
    affected.reload();
  }

  const description = owner
    ? 'What a personal access token must be to act for this organization. It applies at once to tokens that already exist, on every server; web sessions are not affected.'
    : 'What a personal access token must be to act for this organization. Owners set it.';

  return (
    <Section title="Token policy" description={<p>{description}</p>}>
      {policy.error ? <ErrorAlert error={policy.error} context={{ subject: 'The token policy' }} /> : null}
      {!policy.data || !draft ? (
        !policy.error && <Loading />
      ) : owner ? (
        <form className="stack form-narrow" onSubmit={submit} aria-label="Token policy" noValidate>
          <ErrorAlert error={action.error} />
          {saved && !action.error && (
            <p className="alert alert-success" role="status">
              Token policy saved. It applies now.
            </p>
          )}
          <label className="check">
            <input type="checkbox" checked={draft.limitLifetime} onChange={(e) => change({ limitLifetime: e.target.checked })} />
            <span>
              <span className="check-label">Limit how long tokens may live</span>
              <span className="check-hint">A token whose lifetime (from creation to expiry) is longer is refused for this organization.</span>
            </span>
          </label>
          {draft.limitLifetime && (
            <Field label="Maximum lifetime in days" hint="From 1 to 365 days." error={errors.max_lifetime_days}>
              {(control) => (
                <input
                  {...control}
                  className="input"
                  type="number"
                  min={1}
                  max={365}
                  value={draft.maxLifetimeDays}
                  onChange={(e) => change({ maxLifetimeDays: e.target.value })}
                />
              )}
            </Field>
          )}
          <label className="check">
            <input type="checkbox" checked={draft.limitScopes} onChange={(e) => change({ limitScopes: e.target.checked })} />
            <span>
              <span className="check-label">Limit the scopes tokens may use here</span>
              <span className="check-hint">A token keeps only these scopes when it acts for the organization (api still reads where read_api is allowed).</span>
            </span>
          </label>
          {draft.limitScopes && (
            <fieldset className="fieldset" aria-labelledby={`${scopesId}-legend`}>
              <legend id={`${scopesId}-legend`}>Allowed scopes</legend>
              {SCOPE_INFO.map(({ scope, allows }) => (
                <label key={scope} className="check">
                  <input
                    type="checkbox"
                    checked={draft.scopes.has(scope)}
                    aria-label={`Allow ${scope}`}
                    onChange={(e) => {
                      const next = new Set(draft.scopes);
                      if (e.target.checked) next.add(scope);
                      else next.delete(scope);
                      change({ scopes: next });
                    }}
                  />
                  <span>
                    <span className="mono check-label">{scope}</span>
                    <span className="check-hint">{allows}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          )}
          <label className="check">
            <input type="checkbox" checked={draft.requireRestricted} onChange={(e) => change({ requireRestricted: e.target.checked })} />
            <span>
              <span className="check-label">Require tokens restricted to this organization</span>
              <span className="check-hint">Only tokens created for chosen organizations, listing this one, may act for it.</span>
            </span>
          </label>
          <label className="check">
            <input type="checkbox" checked={draft.blockTokens} onChange={(e) => change({ blockTokens: e.target.checked })} />
            <span>
              <span className="check-label">Block personal access tokens</span>
              <span className="check-hint">No token may act for the organization: members use the web UI only.</span>
            </span>
          </label>
          <div>
            <button type="submit" className="button button-primary" disabled={action.pending}>
              {action.pending ? 'Saving…' : 'Save token policy'}
            </button>
          </div>
        </form>
      ) : (
        <PolicySummary policy={policy.data} />
      )}

      <h3>{owner ? "Members' tokens the policy refuses" : 'Your tokens the policy refuses'}</h3>
      {affected.error ? (
        <ErrorAlert error={affected.error} />
      ) : affected.data ? (
        <>
          <AffectedTokens affected={affected.data} everyone={owner} />
          {affected.data.truncated && <p className="field-hint">Only the first 2,000 active tokens were examined.</p>}
        </>
      ) : (
        <Loading />
      )}
    </Section>
  );
}
