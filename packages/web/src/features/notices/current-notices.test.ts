import type { Notice } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { currentNotices, deliveryProblem } from './current-notices';

const now = Date.parse('2026-11-28T12:00:00.000Z');
const DAY = 86_400_000;

function notice(over: Partial<Notice>): Notice {
  return {
    id: 'n1',
    kind: 'pat_expiring',
    title: 'Your Qonduit token "ci" (qdp_…abcd) expires in 7 days',
    token_type: 'personal_access_token',
    token_id: 't1',
    token_name: 'ci',
    token_hint: 'qdp_…abcd',
    provider: null,
    expires_at: new Date(now + 7 * DAY).toISOString(),
    threshold_days: 7,
    created_at: new Date(now).toISOString(),
    link: 'https://q.example.com/settings/tokens',
    deliveries: [],
    ...over,
  };
}

describe('the notices the banner shows', () => {
  it('keeps the newest notice per token, while its moment has not passed', () => {
    const newer = notice({ id: 'n2', threshold_days: 1, expires_at: new Date(now + 0.5 * DAY).toISOString() });
    const older = notice({ id: 'n1' });
    const past = notice({ id: 'n3', token_id: 't2', expires_at: new Date(now - DAY).toISOString() });
    expect(currentNotices([newer, older, past], now).map((n) => n.id)).toEqual(['n2']);
  });

  it('drops notices about tokens no longer live, and failed provider tokens after 30 days', () => {
    const revoked = notice({ id: 'n1', token_id: 'gone' });
    const failedRecently = notice({ id: 'n2', kind: 'provider_token_failed', token_type: 'provider_token', token_id: 'p1', expires_at: null, created_at: new Date(now - 29 * DAY).toISOString() });
    const failedLongAgo = notice({ id: 'n3', kind: 'provider_token_failed', token_type: 'provider_token', token_id: 'p2', expires_at: null, created_at: new Date(now - 31 * DAY).toISOString() });
    expect(currentNotices([revoked, failedRecently, failedLongAgo], now, new Set(['t1'])).map((n) => n.id)).toEqual(['n2']);
  });

  it('says when a delivery is being retried or has failed', () => {
    const retrying = notice({ deliveries: [{ channel: 'email', status: 'pending', attempts: 2, last_error: 'connect ECONNREFUSED', next_attempt_at: null, sent_at: null }] });
    expect(deliveryProblem(retrying)).toBe('E-mail delivery is being retried (2 attempts so far): connect ECONNREFUSED');
    const failed = notice({ deliveries: [{ channel: 'webhook', status: 'failed', attempts: 12, last_error: 'the webhook answered HTTP 500', next_attempt_at: null, sent_at: null }] });
    expect(deliveryProblem(failed)).toBe('Webhook delivery failed after 12 attempts: the webhook answered HTTP 500');
    expect(deliveryProblem(notice({}))).toBeNull();
  });
});
