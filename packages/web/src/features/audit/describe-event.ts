import type { AuditEvent } from '@qonduit/sdk';

// Audit actions in words. An action this UI does not know yet (a newer server) is shown as sent.
const ACTIONS: Record<string, string> = {
  'personal_access_token.created': 'Created personal access token',
  'personal_access_token.revoked': 'Revoked personal access token',
  'personal_access_token.rotated': 'Rotated personal access token',
  'personal_access_token.revoked_as_leaked': 'Revoked leaked personal access token',
  'personal_access_token.family_revoked': 'Revoked a rotated token family (an old token was reused)',
  'personal_access_token.revoked_inactive': 'Revoked unused personal access token',
  'personal_access_token.updated': 'Changed the allowed addresses of personal access token',
  'personal_access_token.ip_refused': 'Refused a request from outside the allowed addresses of personal access token',
  'notice_webhook.set': 'Set the notice webhook',
  'notice_webhook.deleted': 'Removed the notice webhook',
  'provider_token.added': 'Added provider token',
  'provider_token.replaced': 'Replaced provider token',
  'provider_token.deleted': 'Removed provider token',
  'provider_token.verified': 'Checked provider token',
  'provider_token.used': 'Used provider token',
  'spending_limit.set': 'Set spending limits on provider token',
  'spending_limit.removed': 'Removed spending limits from provider token',
  'user.signed_up': 'Created the account',
  'user.logged_in': 'Signed in',
  'user.login_failed': 'Failed sign-in',
  'user.logged_out': 'Signed out',
  'organization.created': 'Created organization',
  'organization.renamed': 'Renamed organization',
  'organization.deleted': 'Deleted organization',
  'organization.token_policy_changed': 'Changed the token policy of',
  'member.added': 'Added member',
  'member.removed': 'Removed member',
  'member.left': 'Left the organization',
  'member.role_changed': 'Changed role of',
  'invitation.created': 'Invited',
  'invitation.revoked': 'Revoked the invitation of',
  'invitation.accepted': 'Accepted the invitation',
  'invitation.declined': 'Declined the invitation',
};

/** The kinds of action the log can be filtered by: each an action prefix the API takes. */
export const ACTION_FILTERS: ReadonlyArray<{ prefix: string; label: string }> = [
  { prefix: 'user.', label: 'Sign-ins and signup' },
  { prefix: 'organization.', label: 'Organization' },
  { prefix: 'member.', label: 'Members and roles' },
  { prefix: 'invitation.', label: 'Invitations' },
  { prefix: 'personal_access_token.', label: 'Personal access tokens' },
  { prefix: 'provider_token.', label: 'Provider tokens' },
  { prefix: 'spending_limit.', label: 'Spending limits' },
];

/** Who acted, as a person: "Ada Lovelace via token “laptop”" (the names they had at the time). */
export function describeActor(event: AuditEvent): string {
  const { user_id, name, token_id, token_name } = event.actor;
  const token = token_id ? `token “${token_name ?? token_id}”` : null;
  // Qonduit itself, e.g. retiring a token unused for longer than the server allows.
  if (!user_id && !token && event.details.actor === 'system') return 'Qonduit (automatically)';
  if (!user_id) return token ?? 'Someone not signed in';
  const person = name ?? 'A deleted user';
  return token ? `${person} via ${token}` : person;
}

export function describeAction(action: string): string {
  return ACTIONS[action] ?? action;
}

/** The facts worth a glance (scopes, provider, check result), never raw JSON. */
export function describeDetails(event: AuditEvent): string {
  const d = event.details;
  const parts: string[] = [];
  if (typeof d.provider === 'string' && d.provider !== event.target.name) parts.push(`provider ${d.provider}`);
  if (Array.isArray(d.scopes)) parts.push(`scopes ${d.scopes.filter((s): s is string => typeof s === 'string').join(', ')}`);
  if (typeof d.result === 'string') parts.push(`result ${d.result}`);
  if (typeof d.reason === 'string') parts.push(`reason ${d.reason.replaceAll('_', ' ')}`);
  if (typeof d.job_id === 'string') parts.push(`job ${d.job_id}`);
  if (typeof d.inactive_days === 'number') parts.push(`unused for ${d.inactive_days} days`);
  if (typeof d.old_name === 'string' && typeof d.new_name === 'string') parts.push(`from “${d.old_name}” to “${d.new_name}”`);
  if (typeof d.old_role === 'string' && typeof d.new_role === 'string') parts.push(`${d.old_role} → ${d.new_role}`);
  else if (typeof d.role === 'string') parts.push(`role ${d.role}`);
  return parts.join(' · ');
}
