import type { AuditEvent, AuditEventPage } from '@qonduit/sdk';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorAlert, Loading, PageHeader, Section, Time } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';
import { describeAction, describeDetails } from './describe-event';

/** The user's audit log, or (with orgId) an organization's, which owners and maintainers see. */
export function AuditPage({ orgId }: { orgId?: string }) {
  const { client, user, accounts } = useSession();
  const [pages, setPages] = useState(1);
  const orgName = orgId ? (accounts.find((a) => a.id === orgId)?.displayName ?? 'Organization') : null;
  const events = useLoad(
    async (signal) => {
      const items: AuditEvent[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < pages; page++) {
        const answer: AuditEventPage = await client.audit.list({ ...(orgId ? { org: orgId } : {}), ...(cursor ? { cursor } : {}) }, { signal });
        items.push(...answer.items);
        cursor = answer.next_cursor;
        if (!cursor) break;
      }
      return { items, next_cursor: cursor };
    },
    [client, orgId, pages],
  );
  // Names for the actors, where the user may list the organization's members.
  const names = useLoad(async (signal) => {
    const map = new Map<string, string>([[user.id, 'You']]);
    if (orgId) {
      for await (const m of client.orgs.members.iterate(orgId, { signal })) if (m.user_id !== user.id) map.set(m.user_id, m.name);
    }
    return map;
  }, [client, orgId, user.id]);

  const actorName = (event: AuditEvent) => {
    const id = event.actor.user_id;
    if (!id) return 'Qonduit';
    return names.data?.get(id) ?? 'A former member';
  };

  return (
    <div className="page">
      <PageHeader
        title={orgName ? `${orgName} audit log` : 'Audit log'}
        description={
          orgName
            ? "Changes to the organization's provider tokens and their use, newest first. Owners and maintainers see this log."
            : 'What happened to your tokens and provider tokens, newest first.'
        }
      />
      <Section title="Events">
        <ErrorAlert error={events.error} context={{ subject: 'This audit log' }} />
        {events.data ? (
          events.data.items.length === 0 ? (
            <p className="empty">Nothing has happened yet.</p>
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
                      {actorName(event)}
                      {event.actor.token_id && <span className="subtle"> with a token</span>}
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
