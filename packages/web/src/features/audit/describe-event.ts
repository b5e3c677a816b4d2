import type { AuditEvent } from '@qonduit/sdk';

// Audit actions in words. An action this UI does not know yet (a newer server) is shown as sent.
const ACTIONS: Record<string, string> = {
  'personal_access_token.created': 'Created personal access token',
  'personal_access_token.revoked': 'Revoked personal access token',
  'personal_access_token.rotated': 'Rotated personal access token',
  'personal_access_token.revoked_as_leaked': 'Revoked leaked personal access token',
  'personal_access_token.family_revoked': 'Revoked a rotated token family (an old token was reused)',
  'provider_token.added': 'Added provider token',
  'provider_token.replaced': 'Replaced provider token',
  'provider_token.deleted': 'Removed provider token',
  'provider_token.verified': 'Checked provider token',
  'provider_token.used': 'Used provider token',
};

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
  return parts.join(' · ');
}
