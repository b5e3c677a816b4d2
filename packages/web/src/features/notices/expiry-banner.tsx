import type { Notice } from '@qonduit/sdk';
import { currentNotices, deliveryProblem } from './current-notices';

/**
 * The banner on the tokens page: what needs attention (tokens expiring or about to be retired,
 * an organization's provider token that failed its check), and any notice that could not be
 * delivered by e-mail or webhook. Shown whether or not e-mail and webhooks are set up.
 */
export function ExpiryBanner({ notices, liveTokenIds, now = Date.now() }: { notices: readonly Notice[]; liveTokenIds?: ReadonlySet<string>; now?: number }) {
  const current = currentNotices(notices, now, liveTokenIds);
  if (current.length === 0) return null;
  const heading = current.length === 1 ? '1 token needs your attention' : `${current.length} tokens need your attention`;
  return (
    <section className="alert alert-warning expiry-banner" aria-labelledby="expiry-banner-title" role="region">
      <h2 id="expiry-banner-title" className="expiry-banner-title">
        {heading}
      </h2>
      <ul className="expiry-banner-list">
        {current.map((n) => {
          const problem = deliveryProblem(n);
          return (
            <li key={n.id}>
              <span>{n.title}.</span>{' '}
              {n.kind === 'pat_expiring' && <span className="subtle">Rotate it before then, or create a new one.</span>}
              {n.kind === 'pat_inactive' && <span className="subtle">Use it, or let it go.</span>}
              {n.kind === 'provider_token_failed' && (
                <a href={n.link.replace(/^https?:\/\/[^/]+/, '')} className="link">
                  Replace it
                </a>
              )}
              {problem && <div className="expiry-banner-problem">{problem}</div>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
