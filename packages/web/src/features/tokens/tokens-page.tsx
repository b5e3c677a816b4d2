import type { NewToken, Token, TokenPage } from '@qonduit/sdk';
import { useRef, useState } from 'react';
import { useSession } from '../../app/session';
import { ConfirmDialog } from '../../shared/dialog';
import { ErrorAlert, Loading, PageHeader, Section } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';
import { CalendarFeedSection } from '../notices/calendar-feed-section';
import { currentNotices } from '../notices/current-notices';
import { ExpiryBanner } from '../notices/expiry-banner';
import { NoticeWebhookSection } from '../notices/notice-webhook-section';
import { AllowlistDialog } from './allowlist-dialog';
import { CreateTokenForm } from './create-token-form';
import { NewTokenNotice } from './new-token-notice';
import { TokenTable } from './token-table';

type Pending = { kind: 'revoke' | 'rotate' | 'addresses'; token: Token } | null;

export function TokensPage() {
  const { client } = useSession();
  const [pages, setPages] = useState(1);
  const tokens = useLoad((signal) => loadPages(client.tokens.list, pages, signal), [client, pages]);
  // Notices about expiring and unused tokens; a server without them (or an error) shows none.
  const notices = useLoad((signal) => client.notices.list({ limit: 100 }, { signal }).then((p) => p.items, () => []), [client, tokens.data]);
  const liveIds = new Set((tokens.data?.items ?? []).filter((t) => t.state === 'active').map((t) => t.id));
  const noticed = new Map(currentNotices(notices.data ?? [], Date.now(), liveIds).map((n) => [n.token_id, n.kind] as const));
  const [fresh, setFresh] = useState<{ token: NewToken; rotated: boolean } | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  // A rotation's new secret is shown once the dialog has closed, in the same render, so that the
  // notice (not the dialog's opener) ends up with the focus.
  const rotated = useRef<NewToken | null>(null);

  function closeDialog() {
    setPending(null);
    if (rotated.current) shown(rotated.current, true);
    rotated.current = null;
  }

  function shown(token: NewToken, rotated: boolean) {
    setFresh({ token, rotated });
    tokens.reload();
  }

  return (
    <div className="page">
      <PageHeader
        title="Personal access tokens"
        description={
          <>
            <p>
              Tokens let the Qonduit CLI, the SDK and your own programs call the API without your password. Send one as{' '}
              <code>Authorization: Bearer &lt;token&gt;</code>.
            </p>
            <p>
              Tokens belong to your user account. A token acts for every organization you are a member of, with your role there, unless you
              restrict it to chosen organizations or to your personal account; choose the organization per request with the{' '}
              <code>X-OrganizationId</code> header. An organization&rsquo;s token policy may refuse a token, or limit its scopes, for that
              organization.
            </p>
          </>
        }
      />

      {tokens.data && <ExpiryBanner notices={notices.data ?? []} liveTokenIds={liveIds} />}

      {fresh && <NewTokenNotice token={fresh.token} rotated={fresh.rotated} onDone={() => setFresh(null)} />}

      <Section title="Create a token">
        <CreateTokenForm onCreated={(token) => shown(token, false)} />
      </Section>

      <Section title="Your tokens">
        <ErrorAlert error={tokens.error} />
        {tokens.data ? (
          <>
            <TokenTable tokens={tokens.data.items} noticed={noticed} onRevoke={(token) => setPending({ kind: 'revoke', token })} onRotate={(token) => setPending({ kind: 'rotate', token })}
              onAddresses={(token) => setPending({ kind: 'addresses', token })}
            />
            {tokens.data.next_cursor && (
              <button type="button" className="button" onClick={() => setPages((p) => p + 1)}>
                Show more
              </button>
            )}
          </>
        ) : (
          !tokens.error && <Loading />
        )}
      </Section>

      <CalendarFeedSection />
      <NoticeWebhookSection />

      {pending?.kind === 'revoke' && (
        <ConfirmDialog
          title={`Revoke “${pending.token.name}”?`}
          confirmLabel="Revoke token"
          danger
          subject="This token"
          onClose={closeDialog}
          onConfirm={async () => {
            const { id } = pending.token;
            await client.tokens.revoke(id);
            // Marked at once (which also removes the row's buttons, so the focus goes to the heading), then reloaded.
            tokens.update((page) => page && { ...page, items: page.items.map((t) => (t.id === id ? { ...t, state: 'revoked', expires_soon: false } : t)) });
            tokens.reload();
          }}
        >
          <p>Programs that use this token stop working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'addresses' && (
        <AllowlistDialog
          token={pending.token}
          onClose={closeDialog}
          onSaved={(saved) => tokens.update((page) => page && { ...page, items: page.items.map((t) => (t.id === saved.id ? saved : t)) })}
        />
      )}
      {pending?.kind === 'rotate' && (
        <ConfirmDialog
          title={`Rotate “${pending.token.name}”?`}
          confirmLabel="Rotate token"
          subject="This token"
          onClose={closeDialog}
          onConfirm={async () => {
            rotated.current = await client.tokens.rotate(pending.token.id);
          }}
        >
          <p>
            A new token with the same name and scopes replaces this one, which stops working at once. The new token is shown once; update the
            programs that use it.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The first `count` pages of tokens, as one list ("Show more" asks for one page more). */
async function loadPages(list: (query: { cursor?: string }, options: { signal: AbortSignal }) => Promise<TokenPage>, count: number, signal: AbortSignal): Promise<TokenPage> {
  const items: Token[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < count; page++) {
    const answer: TokenPage = await list(cursor ? { cursor } : {}, { signal });
    items.push(...answer.items);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return { items, next_cursor: cursor };
}
