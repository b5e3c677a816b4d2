import { ROLES } from '@qonduit/contract';
import type { Role } from '@qonduit/contract';
import { forbidden } from '@qonduit/core';
import type { AppError } from '@qonduit/core';

// What each role may do in an organization (DESIGN.md, "Organizations"), wherever the request
// enters: /api/v1, /quantum, the provider proxy. This table is the only place a role is
// compared with anything; routes, the proxy and the job service ask `mayDo`/`assertMay`.
//
// A cell is 'all' (allowed), 'none' (refused) or 'own': allowed only on what the member owns
// themselves (a job they submitted). The personal account is not in here: a user may do
// everything with their own account.

export type Grant = 'all' | 'own' | 'none';

interface PolicyRow {
  /** The action in words, completing "Only owners can ..." in refusals. */
  readonly does: string;
  /** What the row covers, when more than `does` says (the printed table shows it). */
  readonly covers?: string;
  /** For a row with 'own' cells: what 'own' covers, as the refusal says it. */
  readonly ownOnly?: string;
  readonly viewer: Grant;
  readonly maintainer: Grant;
  readonly owner: Grant;
}

export const ORG_POLICY = {
  read: {
    does: 'read the organization, its members, masked provider tokens, jobs, usage and audit log',
    viewer: 'all',
    maintainer: 'all',
    owner: 'all',
  },
  submit_jobs: {
    does: "submit jobs with the organization's provider tokens",
    viewer: 'all',
    maintainer: 'all',
    owner: 'all',
  },
  proxy_read: {
    does: "read through the provider proxy with the organization's provider tokens",
    viewer: 'all',
    maintainer: 'all',
    owner: 'all',
  },
  cancel_job: {
    does: "cancel or delete any of the organization's jobs",
    ownOnly: 'cancel or delete only the jobs they submitted',
    viewer: 'own',
    maintainer: 'all',
    owner: 'all',
  },
  proxy_write: {
    does: "write through the provider proxy with the organization's provider tokens",
    ownOnly: 'only read through it (allowlisted read paths), or cancel or delete a job they submitted',
    viewer: 'own',
    maintainer: 'all',
    owner: 'all',
  },
  manage_provider_tokens: {
    does: "change the organization's provider tokens",
    covers: "add, replace, verify, delete the organization's provider tokens",
    viewer: 'none',
    maintainer: 'all',
    owner: 'all',
  },
  token_notices: {
    does: "read the organization's token notices and set where they are delivered",
    covers: "read the organization's token notices and set its notice webhook (its tokens also appear in these members' calendar feeds)",
    viewer: 'none',
    maintainer: 'all',
    owner: 'all',
  },
  set_spending_limits: {
    does: "set spending limits on the organization's provider tokens",
    viewer: 'none',
    maintainer: 'all',
    owner: 'all',
  },
  invite_members: { does: 'invite or add members', viewer: 'none', maintainer: 'none', owner: 'all' },
  remove_members: { does: 'remove other members', viewer: 'none', maintainer: 'none', owner: 'all' },
  change_roles: { does: "change members' roles", viewer: 'none', maintainer: 'none', owner: 'all' },
  read_token_policy: {
    does: "read the organization's token policy",
    viewer: 'all',
    maintainer: 'all',
    owner: 'all',
  },
  token_policy: {
    does: "set the organization's token policy",
    covers: "set the organization's token policy, including its sign-in rules (require a second factor, require single sign-on)",
    viewer: 'none',
    maintainer: 'none',
    owner: 'all',
  },
  review_member_tokens: {
    does: "see which members' tokens the organization's token policy refuses",
    ownOnly: 'see only which of their own tokens it refuses',
    viewer: 'own',
    maintainer: 'own',
    owner: 'all',
  },
  review_member_sign_in: {
    does: 'see which members meet the sign-in rules (second factor, single sign-on)',
    viewer: 'none',
    maintainer: 'none',
    owner: 'all',
  },
  rename: { does: 'rename the organization', viewer: 'none', maintainer: 'none', owner: 'all' },
  delete_org: { does: 'delete the organization', viewer: 'none', maintainer: 'none', owner: 'all' },
} as const satisfies Record<string, PolicyRow>;

export type OrgAction = keyof typeof ORG_POLICY;

export const ORG_ACTIONS = Object.keys(ORG_POLICY) as OrgAction[];

export function grantOf(role: Role, action: OrgAction): Grant {
  return ORG_POLICY[action][role];
}

/** `own`: whether what the action touches is the member's own (e.g. a job they submitted). */
export function mayDo(role: Role, action: OrgAction, target: { own?: boolean } = {}): boolean {
  const grant = grantOf(role, action);
  return grant === 'all' || (grant === 'own' && target.own === true);
}

/** The roles that may do an action on anything (not only on their own). */
export function rolesAllowed(action: OrgAction): Role[] {
  return ROLES.filter((role) => grantOf(role, action) === 'all');
}

const plural = (roles: readonly Role[]) => roles.map((r) => `${r}s`).join(' and ');

/** The 403 for a refused action, in words a member can act on. */
export function refusal(role: Role, action: OrgAction): AppError {
  const row: PolicyRow = ORG_POLICY[action];
  const allowed = rolesAllowed(action);
  if (grantOf(role, action) === 'own' && row.ownOnly !== undefined) {
    // "your role is ..." is what the SDK reads the role from (sdk/src/errors.ts).
    return forbidden(`Only ${plural(allowed)} can ${row.does}, and ${role}s can ${row.ownOnly}; your role is ${role}`);
  }
  return forbidden(`Only ${plural(allowed)} can ${row.does}; your role is ${role}`);
}

export function assertMay(role: Role, action: OrgAction, target: { own?: boolean } = {}): void {
  if (!mayDo(role, action, target)) throw refusal(role, action);
}

/** The table as markdown, as DESIGN.md shows it (the policy test prints it). */
export function policyTableMarkdown(): string {
  const mark: Record<Grant, string> = { all: '✓', own: 'own', none: '✗' };
  const lines = ['| action | viewer | maintainer | owner |', '|---|---|---|---|'];
  for (const action of ORG_ACTIONS) {
    const row: PolicyRow = ORG_POLICY[action];
    lines.push(`| \`${action}\`: ${row.covers ?? row.does} | ${mark[row.viewer]} | ${mark[row.maintainer]} | ${mark[row.owner]} |`);
  }
  return lines.join('\n');
}
