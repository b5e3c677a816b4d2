import type { TokenNotice } from '@qonduit/db';
import { providerLabel } from '../quantum/jobs.service';

// What a notice says, by e-mail, webhook and in the UI. Never a secret: the token's name, its
// hint (`qdp_…abcd`), its expiry, and a link to where it is managed.

/** What a notice says comes from its stored row, less the bookkeeping columns. */
export type NoticeFacts = Omit<TokenNotice, 'dedupe_key' | 'organization_id'>;

const DAY_MS = 86_400_000;

/** A PAT's stored hint (`qdp_abcd`) as notices show it: `qdp_…abcd`. */
export function displayHint(hint: string): string {
  return /^qdp_[0-9A-Za-z]{4}$/.test(hint) ? `qdp_…${hint.slice(4)}` : hint;
}

export function noticeLink(publicUrl: string, notice: Pick<NoticeFacts, 'account_type' | 'account_id'>): string {
  return notice.account_type === 'organization'
    ? `${publicUrl}/orgs/${encodeURIComponent(notice.account_id)}/settings`
    : `${publicUrl}/settings/tokens`;
}

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** One line, for a subject, a banner or a list: a name's control characters (line breaks) become spaces. */
export function noticeTitle(n: NoticeFacts, inactiveDays: number | null): string {
  return titleOf(n, inactiveDays).replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

function titleOf(n: NoticeFacts, inactiveDays: number | null): string {
  const label = n.token_hint ? `"${n.token_name}" (${n.token_hint})` : `"${n.token_name}"`;
  switch (n.kind) {
    case 'pat_expiring':
      return `Your Qonduit token ${label} expires in ${days(n.threshold_days ?? 0)}`;
    case 'pat_inactive':
      return `Your unused Qonduit token ${label} will be revoked${inactiveDays ? ` after ${days(inactiveDays)} without use` : ''}`;
    case 'provider_token_failed':
      return `The organization's ${providerLabel(n.provider ?? '')} token ${n.token_hint ? `(${n.token_hint}) ` : ''}failed its last check`;
  }
}

export function noticeText(n: NoticeFacts, o: { publicUrl: string; inactiveDays: number | null; organizationName?: string | null; checkMessage?: string | null }): string {
  const link = noticeLink(o.publicUrl, n);
  const label = n.token_hint ? `"${n.token_name}" (${n.token_hint})` : `"${n.token_name}"`;
  const lines: string[] = [];
  switch (n.kind) {
    case 'pat_expiring':
      lines.push(
        `Your personal access token ${label} expires on ${when(n.expires_at ?? '')}, in ${days(n.threshold_days ?? 0)}.`,
        '',
        'Programs that use it will be refused from then on. Rotate it (its successor keeps the name and scopes) or create a new one before then:',
        link,
      );
      break;
    case 'pat_inactive':
      lines.push(
        `Your personal access token ${label} has not been used for a long time.`,
        `This Qonduit server revokes tokens unused for ${days(o.inactiveDays ?? 0)}; it will be revoked after ${when(n.expires_at ?? '')} unless it is used before then.`,
        '',
        'Review your tokens:',
        link,
      );
      break;
    case 'provider_token_failed':
      lines.push(
        `The ${providerLabel(n.provider ?? '')} token of the organization ${o.organizationName ? `"${o.organizationName}"` : n.account_id} ${n.token_hint ? `(${n.token_hint}) ` : ''}failed its last check against the provider.`,
        'Jobs that need it fail until it is replaced. Replace it under the organization\'s settings:',
        link,
      );
      break;
  }
  lines.push('', `You get this notice once (notice ${n.id}).`);
  return lines.join('\n');
}

/** The JSON a webhook receives. */
export function webhookBody(n: NoticeFacts, o: { publicUrl: string; inactiveDays: number | null }): string {
  return JSON.stringify({
    id: n.id,
    type: `token.${n.kind}`,
    created_at: n.created_at,
    account: { type: n.account_type, id: n.account_id },
    token: {
      type: n.token_type,
      id: n.token_id,
      name: n.token_name,
      hint: n.token_hint,
      provider: n.provider,
      expires_at: n.expires_at,
    },
    threshold_days: n.threshold_days,
    title: noticeTitle(n, o.inactiveDays),
    link: noticeLink(o.publicUrl, n),
  });
}

export { DAY_MS };
