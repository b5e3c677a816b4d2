import type { Token } from '@qonduit/sdk';
import { shortIds } from '../ids';
import { renderFields, renderTable } from './table';
import { relativeTime, shortDate } from './time';

export function tokensTable(tokens: readonly Token[], now: Date): string {
  const short = shortIds(tokens.map((t) => t.id));
  return renderTable<Token>(
    [
      { header: 'ID', value: (t) => short.get(t.id) ?? t.id },
      { header: 'Name', value: (t) => t.name, maxWidth: 32 },
      { header: 'Scopes', value: (t) => t.scopes.join(',') },
      { header: 'State', value: (t) => (t.state === 'active' && t.expires_soon ? 'expires soon' : t.state) },
      { header: 'Expires', value: (t) => (t.state === 'revoked' ? '-' : relativeTime(t.expires_at, now)) },
      { header: 'Last used', value: (t) => relativeTime(t.last_used_at, now) },
      { header: 'Token', value: (t) => `${t.hint}` },
      // Only when some token is restricted, so that the usual table stays as it was.
      ...(tokens.some((t) => t.organizations !== null || t.allowed_ips !== null) ? [{ header: 'Restricted to', value: restrictionCell, maxWidth: 48 }] : []),
    ],
    tokens,
  );
}

/** A list's short form of a token's restrictions: "Quantum Lab; 2 address ranges", "personal only", or "-". */
function restrictionCell(t: Token): string {
  const parts: string[] = [];
  if (t.organizations !== null) parts.push(t.personal_only ? 'personal only' : t.organizations.map((o) => o.name ?? o.id).join(', '));
  if (t.allowed_ips !== null) parts.push(t.allowed_ips.length === 1 ? (t.allowed_ips[0] ?? '') : `${t.allowed_ips.length} address ranges`);
  return parts.join('; ') || '-';
}

/** Which organizations a token may act for, in words. */
export function restrictionText(token: Pick<Token, 'organizations' | 'personal_only'>): string {
  if (token.organizations === null) return 'every organization you belong to';
  if (token.personal_only) return 'your personal account only';
  return token.organizations.map((o) => o.name ?? `${o.id} (deleted)`).join(', ');
}

export function tokenFields(token: Token, now: Date): string {
  return renderFields([
    ['id', token.id],
    ['name', token.name],
    ['token', token.hint],
    ['scopes', token.scopes.join(', ')],
    ['state', token.state],
    ['created', shortDate(token.created_at)],
    ['expires', `${shortDate(token.expires_at)} (${relativeTime(token.expires_at, now)})`],
    ['last used', token.last_used_at ? `${relativeTime(token.last_used_at, now)} from ${token.last_used_ip ?? 'unknown'}` : 'never'],
    ['acts for', restrictionText(token)],
    ['allowed from', token.allowed_ips === null ? 'anywhere' : token.allowed_ips.join(', ')],
  ]);
}
