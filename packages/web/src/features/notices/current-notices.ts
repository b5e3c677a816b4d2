import type { Notice } from '@qonduit/sdk';

const DAY_MS = 86_400_000;

/**
 * The notices that still call for something: a token expiring or about to be retired (its
 * moment not yet passed) or a provider token that failed its check in the last 30 days; the
 * newest per token. `liveTokenIds`, when known, drops notices about tokens revoked since.
 */
export function currentNotices(notices: readonly Notice[], now: number, liveTokenIds?: ReadonlySet<string>): Notice[] {
  const seen = new Set<string>();
  const result: Notice[] = [];
  for (const n of notices) {
    if (seen.has(n.token_id)) continue;
    seen.add(n.token_id);
    if (liveTokenIds && n.token_type === 'personal_access_token' && !liveTokenIds.has(n.token_id)) continue;
    const current = n.expires_at ? Date.parse(n.expires_at) > now : Date.parse(n.created_at) > now - 30 * DAY_MS;
    if (current) result.push(n);
  }
  return result;
}

/** What went wrong delivering a notice, in words, or null when nothing did. */
export function deliveryProblem(n: Notice): string | null {
  const failing = n.deliveries.find((d) => d.last_error !== null && d.status !== 'sent');
  if (!failing) return null;
  const channel = failing.channel === 'email' ? 'E-mail' : 'Webhook';
  const attempts = failing.attempts === 1 ? '1 attempt' : `${failing.attempts} attempts`;
  return failing.status === 'failed'
    ? `${channel} delivery failed after ${attempts}: ${failing.last_error ?? ''}`
    : `${channel} delivery is being retried (${attempts} so far): ${failing.last_error ?? ''}`;
}
