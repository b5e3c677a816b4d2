import type { AuditEvent, AuditEventPage, AuditEventQuery } from '@qonduit/sdk';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorAlert, Field, Loading, PageHeader, Section, Time } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';
import { ACTION_FILTERS, describeAction, describeActor, describeDetails } from './describe-event';

interface Filters {
  actor: string;
  action: string;
  /** YYYY-MM-DD from the date inputs, both days included. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', from: '', to: '' };

/** The API's query: "to" includes its whole day, so the API's exclusive `until` is the next day. */
function queryOf(filters: Filters): Omit<AuditEventQuery, 'cursor'> {
  const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    ...(filters.actor ? { actor: filters.actor } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.from ? { since: filters.from } : {}),
    ...(filters.to ? { until: nextDay(filters.to) } : {}),
  };
}

/** The user's audit log, or (with orgId) an organization's, which every member sees. */
export function AuditPage({ orgId }: { orgId?: string }) {
  const { client, user, accounts } = useSession();
  const [pages, setPages] = useState(1);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const orgName = orgId ? (accounts.find((a) => a.id === orgId)?.displayName ?? 'Organization') : null;
  const filtered = Object.values(filters).some(Boolean);

  const events = useLoad(
    async (signal) => {
      const items: AuditEvent[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < pages; page++) {
        const answer: AuditEventPage = await client.audit.list({ ...queryOf(filters), ...(orgId ? { org: orgId } : {}), ...(cursor ? { cursor } : {}) }, { signal });
        items.push(...answer.items);
        cursor = answer.next_cursor;
        if (!cursor) break;
      }
      return { items, next_cursor: cursor };
    },
    [client, orgId, pages, filters],
  );
  // The people the log can be filtered by: the organization's members, or just you.
  const people = useLoad(async (signal) => {
    const list: Array<{ id: string; name: string }> = [{ id: user.id, name: `${user.name} (you)` }];
    if (orgId) {
      for await (const m of client.orgs.members.iterate(orgId, { signal })) if (m.user_id !== user.id) list.push({ id: m.user_id, name: m.name });
    }
    return list;
  }, [client, orgId, user.id, user.name]);

  const change = (patch: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...patch }));
    setPages(1);
  };

  return (
    <div className="page">
      <PageHeader
        title={orgName ? `${orgName} audit log` : 'Audit log'}
        description={
          orgName
            ? 'Who changed the organization, its members and roles, and its provider tokens, and when they were used; newest first. Every member sees this log.'
            : 'Sign-ins, and what happened to your account, tokens and provider tokens; newest first.'
        }
      />
      <Section title="Events">
        <form className="row" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
          <Field label="Person">
            {(control) => (
              <select {...control} className="select" value={filters.actor} onChange={(e) => change({ actor: e.target.value })}>
                <option value="">Anyone</option>
                {(people.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Kind of event">
            {(control) => (
              <select {...control} className="select" value={filters.action} onChange={(e) => change({ action: e.target.value })}>
                <option value="">All events</option>
                {ACTION_FILTERS.map((f) => (
                  <option key={f.prefix} value={f.prefix}>
                    {f.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="From">
            {(control) => <input {...control} className="input" type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => change({ from: e.target.value })} />}
          </Field>
          <Field label="To">
            {(control) => <input {...control} className="input" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => change({ to: e.target.value })} />}
          </Field>
          {filtered && (
            <div className="row-end">
              <button type="button" className="button" onClick={() => change(NO_FILTERS)}>
                Clear filters
              </button>
            </div>
          )}
        </form>
        <ErrorAlert error={events.error} context={{ subject: 'This audit log' }} />
        {events.data ? (
          events.data.items.length === 0 ? (
            <p className="empty">{filtered ? 'No events match these filters.' : 'Nothing has happened yet.'}</p>
          ) : (
            <table className="table responsive-table">
              <caption className="visually-hidden">Audit events</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Who</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.map((event) => (
                  <tr key={event.id}>
                    <td data-label="When">
                      <Time iso={event.created_at} />
                    </td>
                    <th scope="row" data-label="What">
                      {describeAction(event.action)}
                      {event.target.name && <span className="subtle"> “{event.target.name}”</span>}
                    </th>
                    <td data-label="Who">
                      {describeActor(event)}
                      {event.actor.ip && <span className="subtle"> from {event.actor.ip}</span>}
                    </td>
                    <td data-label="Details" className="subtle">
                      {describeDetails(event) || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : (
          !events.error && <Loading />
        )}
        {events.data?.next_cursor && (
          <button type="button" className="button" onClick={() => setPages((p) => p + 1)}>
            Show older events
          </button>
        )}
      </Section>
    </div>
  );
}
