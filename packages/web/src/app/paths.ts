/** An organization as its pages' addresses name it: by its slug, or by its id until that is known. */
export interface OrgAddress {
  id: string;
  slug?: string | null;
}

const orgPath = (org: OrgAddress, page: string) => `/orgs/${encodeURIComponent(org.slug ?? org.id)}/${page}`;

// Page paths must not start with what the server keeps for its API (/api/, /my/, /quantum, ...).
export const PATHS = {
  jobs: '/jobs',
  tokens: '/settings/tokens',
  providerTokens: '/settings/provider-tokens',
  organizations: '/settings/organizations',
  auditLog: '/settings/audit-log',
  orgSettings: (org: OrgAddress) => orgPath(org, 'settings'),
  orgAuditLog: (org: OrgAddress) => orgPath(org, 'audit-log'),
} as const;
