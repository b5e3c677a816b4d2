import type { Role, SpendingLimit, SpendingLimitRequest, Usage } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field, Loading, Section } from '../../shared/ui';
import { useAction, useLoad } from '../../shared/use-async';

// The organization's spending on its provider tokens this month (a chart per member and a
// gauge per limit), and, for owners and maintainers, the limits themselves (issue 16).

export const usd = (amount: number) => `$${amount.toFixed(2)}`;

function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

/** A bar that fills `used / limit`, red once it is (nearly) spent; without a limit, the figure alone. */
function Gauge({
  label,
  used,
  limit,
  format = (n: number) => n.toLocaleString('en-GB'),
}: {
  label: string;
  used: number;
  limit: number | null;
  format?: (n: number) => string;
}) {
  if (limit === null) return <span>{format(used)}</span>;
  const share = limit === 0 ? 1 : Math.min(1, used / limit);
  return (
    <span className="gauge">
      <span>
        {format(used)} <span className="subtle">of {format(limit)}</span>
      </span>
      <span
        className={`gauge-track${share >= 0.9 ? ' gauge-full' : ''}`}
        role="meter"
        aria-label={`${label}: ${format(used)} of ${format(limit)}`}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.min(used, limit)}
      >
        <span className="gauge-fill" style={{ width: `${share * 100}%` }} />
      </span>
    </span>
  );
}

function UsageChart({ usage }: { usage: Usage }) {
  const members = [...usage.members].sort((a, b) => b.estimated_cost - a.estimated_cost || b.shots - a.shots);
  const widest = Math.max(0, ...members.map((m) => m.shots));
  return (
    <table className="counts usage-chart">
      <caption>Shots per member and provider · {usage.month}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">Member</th>
          <th scope="col">Shots, jobs and estimated cost</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <tr key={`${m.user_id}-${m.provider}`}>
            <th scope="row" className="counts-outcome usage-member">
              {m.name ?? m.email ?? m.user_id}
              <span className="subtle"> · {m.provider_name}</span>
            </th>
            <td className="counts-cell">
              <span
                className="counts-bar"
                aria-hidden="true"
                style={{ width: `${widest > 0 ? (m.shots / widest) * 100 : 0}%` }}
              />
              <span className="counts-value">
                {m.shots.toLocaleString('en-GB')} shots{' '}
                <span className="subtle">
                  · {m.jobs} {m.jobs === 1 ? 'job' : 'jobs'} · {usd(m.estimated_cost)}
                </span>
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const LIMIT_FIELDS = [
  { key: 'member_jobs_per_month', label: 'Jobs per member', money: false },
  { key: 'member_shots_per_month', label: 'Shots per member', money: false },
  { key: 'member_cost_per_month', label: 'Cost per member (USD)', money: true },
  { key: 'org_jobs_per_month', label: 'Jobs, whole organization', money: false },
  { key: 'org_shots_per_month', label: 'Shots, whole organization', money: false },
  { key: 'org_cost_per_month', label: 'Cost, whole organization (USD)', money: true },
  { key: 'max_shots_per_job', label: 'Most shots per job', money: false },
] as const;

type LimitKey = (typeof LIMIT_FIELDS)[number]['key'];
type Draft = Record<LimitKey, string>;

function draftOf(limit: SpendingLimit | undefined): Draft {
  const out = {} as Draft;
  for (const f of LIMIT_FIELDS) {
    const v = limit?.[f.key];
    out[f.key] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

function LimitsForm({
  orgId,
  providers,
  limits,
  onSaved,
}: {
  orgId: string;
  providers: Array<{ id: string; name: string }>;
  limits: SpendingLimit[];
  onSaved: () => void;
}) {
  const { client } = useSession();
  // The first token that has limits, else the first provider of the catalog.
  const [provider, setProvider] = useState(() => limits[0]?.provider ?? providers[0]?.id ?? 'ionq');
  const [draft, setDraft] = useState<Draft>(() => draftOf(limits[0]));
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const errors = fieldErrors(action.error);

  function choose(next: string) {
    setProvider(next);
    setDraft(draftOf(limits.find((l) => l.provider === next)));
    setSaved(null);
    action.reset();
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaved(null);
    const body: SpendingLimitRequest = {};
    for (const f of LIMIT_FIELDS) {
      const raw = draft[f.key].trim();
      if (raw !== '') body[f.key] = Number(raw);
    }
    const result = await action.run(() => client.orgs.spendingLimits.set(orgId, provider, body));
    if (!result.ok) return;
    setSaved(`Saved the limits on ${result.value.provider_name}.`);
    onSaved();
  }

  async function remove() {
    setSaved(null);
    const result = await action.run(() => client.orgs.spendingLimits.remove(orgId, provider));
    if (!result.ok) return;
    setDraft(draftOf(undefined));
    setSaved('Removed the limits.');
    onSaved();
  }

  return (
    <form className="stack limits-form" onSubmit={save} aria-label="Spending limits">
      <h3>Limits per calendar month (UTC)</h3>
      <ErrorAlert error={action.error} />
      {saved !== null && !action.error && (
        <p className="alert alert-success" role="status">
          {saved}
        </p>
      )}
      <div className="row">
        <Field label="Provider token">
          {(control) => (
            <select {...control} className="select" value={provider} onChange={(e) => choose(e.target.value)}>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="row limits-grid">
        {LIMIT_FIELDS.map((f) => (
          <Field key={f.key} label={f.label} hint="empty: no limit" error={errors[f.key]}>
            {(control) => (
              <input
                {...control}
                className="input"
                type="number"
                inputMode={f.money ? 'decimal' : 'numeric'}
                min={0}
                step={f.money ? 0.01 : 1}
                value={draft[f.key]}
                onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
              />
            )}
          </Field>
        ))}
      </div>
      <div className="row">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? 'Saving…' : 'Save limits'}
        </button>
        {limits.some((l) => l.provider === provider) && (
          <button type="button" className="button" disabled={action.pending} onClick={() => void remove()}>
            Remove limits
          </button>
        )}
      </div>
    </form>
  );
}

export function SpendingSection({ orgId, role }: { orgId: string; role: Role }) {
  const { client } = useSession();
  const [month, setMonth] = useState(thisMonth);
  const usage = useLoad((signal) => client.orgs.usage(orgId, { month }, { signal }), [client, orgId, month]);
  const catalog = useLoad((signal) => client.providers.list({ signal }), [client]);
  const mayEdit = role !== 'viewer';
  const providers = (catalog.data ?? []).map((p) => ({ id: p.id, name: p.display_name }));

  return (
    <Section
      title="Spending and limits"
      description={
        <p>
          What members spent of the organization&apos;s provider tokens, from the moment a job was accepted (a
          job that never reached its provider is given back). Costs are estimates from the providers&apos;
          published prices{usage.data ? ` (taken ${usage.data.prices_as_of})` : ''}, in US dollars.
          {mayEdit
            ? ' A job that would pass a monthly limit is refused until the month resets.'
            : ' Owners and maintainers set the limits.'}
        </p>
      }
      actions={
        <div className="field month-field">
          <label htmlFor="usage-month">Month</label>
          <input
            id="usage-month"
            className="input"
            type="month"
            value={month}
            max={thisMonth()}
            onChange={(e) => e.target.value && setMonth(e.target.value)}
          />
        </div>
      }
    >
      <ErrorAlert error={usage.error} />
      {!usage.data ? (
        !usage.error && <Loading />
      ) : (
        <div className="stack">
          {usage.data.providers.length === 0 ? (
            <p className="empty">No job spent an organization provider token in {usage.data.month}.</p>
          ) : (
            <div className="usage-scroll">
              <table className="table usage-table">
                <caption className="visually-hidden">Usage per provider in {usage.data.month}</caption>
                <thead>
                  <tr>
                    <th scope="col">Provider</th>
                    <th scope="col">Jobs</th>
                    <th scope="col">Shots</th>
                    <th scope="col">Estimated cost</th>
                  </tr>
                </thead>
                <tbody>
                  {usage.data.providers.map((p) => (
                    <tr key={p.provider}>
                      <th scope="row">{p.provider_name}</th>
                      <td>
                        <Gauge
                          label={`${p.provider_name} jobs`}
                          used={p.jobs}
                          limit={p.limits?.org_jobs_per_month ?? null}
                        />
                      </td>
                      <td>
                        <Gauge
                          label={`${p.provider_name} shots`}
                          used={p.shots}
                          limit={p.limits?.org_shots_per_month ?? null}
                        />
                      </td>
                      <td>
                        <Gauge
                          label={`${p.provider_name} estimated cost`}
                          used={p.estimated_cost}
                          limit={p.limits?.org_cost_per_month ?? null}
                          format={usd}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {usage.data.members.length > 0 && <UsageChart usage={usage.data} />}
          {!mayEdit && usage.data.providers.some((p) => p.limits) && (
            <ul className="subtle">
              {usage.data.providers
                .filter((p) => p.limits)
                .map((p) => (
                  <li key={p.provider}>
                    {p.provider_name}: {limitsSentence(p.limits)}
                  </li>
                ))}
            </ul>
          )}
          {mayEdit && catalog.data && (
            <LimitsForm
              orgId={orgId}
              providers={providers}
              limits={usage.data.providers.flatMap((p) => (p.limits ? [p.limits] : []))}
              onSaved={usage.reload}
            />
          )}
        </div>
      )}
    </Section>
  );
}

function limitsSentence(l: SpendingLimit | null): string {
  if (!l) return 'no limits';
  const parts: string[] = [];
  if (l.member_jobs_per_month !== null) parts.push(`${l.member_jobs_per_month} jobs per member`);
  if (l.member_shots_per_month !== null)
    parts.push(`${l.member_shots_per_month.toLocaleString('en-GB')} shots per member`);
  if (l.member_cost_per_month !== null) parts.push(`${usd(l.member_cost_per_month)} per member`);
  if (l.org_jobs_per_month !== null) parts.push(`${l.org_jobs_per_month} jobs in all`);
  if (l.org_shots_per_month !== null)
    parts.push(`${l.org_shots_per_month.toLocaleString('en-GB')} shots in all`);
  if (l.org_cost_per_month !== null) parts.push(`${usd(l.org_cost_per_month)} in all`);
  if (l.max_shots_per_job !== null)
    parts.push(`at most ${l.max_shots_per_job.toLocaleString('en-GB')} shots per job`);
  return parts.length > 0 ? `${parts.join(', ')} a month` : 'no limits';
}
