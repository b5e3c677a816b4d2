import type { NewCalendarFeed } from '@qonduit/sdk';
import { useState } from 'react';
import { useSession } from '../../app/session';
import { CopyField } from '../../shared/copy-field';
import { ErrorAlert, Section, Time } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';

/** The iCalendar feed of token expiries: its URL carries its own token, shown once. */
export function CalendarFeedSection() {
  const { client } = useSession();
  const feed = useLoad((signal) => client.notices.calendarFeed.get({ signal }).catch(() => null), [client]);
  const [fresh, setFresh] = useState<NewCalendarFeed | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function act(what: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const exists = fresh !== null || (feed.data ?? null) !== null;
  return (
    <Section
      title="Calendar feed"
      description={<p>Subscribe to your tokens’ expiry dates in a calendar application. The feed’s URL is its own key: anyone who has it sees your tokens’ names and expiry dates (never a secret).</p>}
    >
      <ErrorAlert error={error} />
      {fresh && <CopyField label="Feed URL (shown only now)" value={fresh.url} />}
      {!fresh && feed.data && (
        <p>
          Your feed <span className="mono">{feed.data.hint}</span> was created <Time iso={feed.data.created_at} relative />. Its URL is not shown again; reset it for a new one.
        </p>
      )}
      <span className="actions">
        <button type="button" className="button" disabled={busy} onClick={() => act(async () => setFresh(await client.notices.calendarFeed.reset()))}>
          {exists ? 'Reset feed URL' : 'Create feed URL'}
        </button>
        {exists && (
          <button
            type="button"
            className="button button-danger-outline"
            disabled={busy}
            onClick={() =>
              act(async () => {
                await client.notices.calendarFeed.remove();
                setFresh(null);
                feed.update(() => null);
              })
            }
          >
            Delete feed
          </button>
        )}
      </span>
    </Section>
  );
}
