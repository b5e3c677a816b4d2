import type { NewNoticeWebhook } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useSession } from '../../app/session';
import { CopyField } from '../../shared/copy-field';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field, Section, Time } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';

/**
 * Your notice webhook: each notice is POSTed to it as JSON, signed with HMAC-SHA256 under a
 * secret shown once (X-Qonduit-Signature: t=<unix>,v1=<hex of HMAC(secret, "<unix>.<body>")>).
 */
export function NoticeWebhookSection() {
  const { client } = useSession();
  const hook = useLoad((signal) => client.notices.webhook.get({ signal }).catch(() => null), [client]);
  const [url, setUrl] = useState('');
  const [fresh, setFresh] = useState<NewNoticeWebhook | null>(null);
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

  function save(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      const set = await client.notices.webhook.set(url.trim());
      setFresh(set);
      setUrl('');
      hook.update(() => ({ url: set.url, secret_hint: set.secret_hint, created_at: set.created_at }));
    });
  }

  const current = hook.data ?? null;
  return (
    <Section
      title="Notice webhook"
      description={
        <p>
          Qonduit can POST each notice about your tokens to an HTTPS address of yours, signed so that you can check it came from here: the header{' '}
          <code>X-Qonduit-Signature: t=&lt;unix&gt;,v1=&lt;hex&gt;</code> holds HMAC-SHA256 of <code>&lt;unix&gt;.&lt;body&gt;</code> under the webhook’s secret, and{' '}
          <code>X-Qonduit-Delivery</code> stays the same when a delivery is retried.
        </p>
      }
    >
      {fresh && <CopyField label="Signing secret (shown only now)" value={fresh.secret} />}
      {current && (
        <p>
          Notices go to <span className="mono">{current.url}</span> (secret <span className="mono">{current.secret_hint}</span>, set <Time iso={current.created_at} relative />).{' '}
          <button
            type="button"
            className="button button-small button-danger-outline"
            disabled={busy}
            onClick={() =>
              act(async () => {
                await client.notices.webhook.remove();
                setFresh(null);
                hook.update(() => null);
              })
            }
          >
            Remove webhook
          </button>
        </p>
      )}
      <form className="inline-form" onSubmit={save} aria-label="Notice webhook">
        <Field label={current ? 'New webhook URL' : 'Webhook URL'} hint="An https address; a new secret is made each time you save." error={fieldErrors(error).url}>
          {(control) => <input {...control} className="input" type="url" inputMode="url" maxLength={2000} required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/qonduit" />}
        </Field>
        <button type="submit" className="button" disabled={busy}>
          Save webhook
        </button>
        {fieldErrors(error).url === undefined && <ErrorAlert error={error} />}
      </form>
    </Section>
  );
}
