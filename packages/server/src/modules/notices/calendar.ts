import type { Clock } from '@qonduit/core';
import type { Database } from '@qonduit/db';
import ical, { ICalAlarmType } from 'ical-generator';
import type { Kysely } from 'kysely';
import { rolesAllowed } from '../orgs/org-policy';
import { providerLabel } from '../quantum/jobs.service';
import { displayHint } from './notice-message';

// The iCalendar feed of a user's token expiries: their live personal access tokens, and for
// the organizations where they may manage provider tokens, those whose last check failed
// (provider credentials carry no expiry Qonduit can read). Names and hints only, never a secret.

/** Events one feed holds at most. */
export const MAX_FEED_EVENTS = 500;
const EVENT_MS = 30 * 60_000;
const ALARM_BEFORE_S = 7 * 86_400;

export async function tokenExpiryCalendar(deps: { db: Kysely<Database>; clock: Clock; publicUrl: string }, userId: string): Promise<string> {
  const { db, publicUrl } = deps;
  const now = deps.clock.now();
  const cal = ical({
    name: 'Qonduit token expiries',
    prodId: { company: 'Qonduit', product: 'token-expiries', language: 'EN' },
    ttl: 3600,
  });
  const pats = await db
    .selectFrom('personal_access_tokens')
    .select(['id', 'name', 'hint', 'expires_at', 'created_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('expires_at')
    .limit(MAX_FEED_EVENTS)
    .execute();
  for (const t of pats) {
    const hint = displayHint(t.hint);
    const start = new Date(t.expires_at);
    cal.createEvent({
      id: `pat-${t.id}@qonduit`,
      start,
      end: new Date(start.getTime() + EVENT_MS),
      stamp: now,
      summary: `Qonduit token "${t.name}" (${hint}) expires`,
      description: `Your personal access token "${t.name}" (${hint}) expires at ${t.expires_at}. Rotate it or create a new one before then: ${publicUrl}/settings/tokens`,
      url: `${publicUrl}/settings/tokens`,
      alarms: [{ type: ICalAlarmType.display, triggerBefore: ALARM_BEFORE_S, description: `Qonduit token "${t.name}" expires in 7 days` }],
    });
  }
  const failed = await db
    .selectFrom('provider_tokens')
    .innerJoin('memberships', 'memberships.organization_id', 'provider_tokens.account_id')
    .innerJoin('organizations', 'organizations.id', 'provider_tokens.account_id')
    .select(['provider_tokens.id', 'provider_tokens.provider', 'provider_tokens.checked_at', 'provider_tokens.updated_at', 'organizations.id as org_id', 'organizations.name as org_name'])
    .where('memberships.user_id', '=', userId)
    .where('memberships.role', 'in', rolesAllowed('token_notices'))
    .where('provider_tokens.account_type', '=', 'organization')
    .where('provider_tokens.status', '=', 'invalid')
    .orderBy('provider_tokens.id')
    .limit(Math.max(0, MAX_FEED_EVENTS - pats.length))
    .execute();
  for (const p of failed) {
    const start = new Date(p.checked_at ?? p.updated_at);
    const link = `${publicUrl}/orgs/${encodeURIComponent(p.org_id)}/settings`;
    cal.createEvent({
      id: `provider-token-${p.id}@qonduit`,
      start,
      end: new Date(start.getTime() + EVENT_MS),
      stamp: now,
      summary: `${providerLabel(p.provider)} token of ${p.org_name} failed its check`,
      description: `The organization's ${providerLabel(p.provider)} token failed its last check against the provider; jobs that need it fail until it is replaced: ${link}`,
      url: link,
    });
  }
  return cal.toString();
}
