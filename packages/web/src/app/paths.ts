// Page paths must not start with what the server keeps for its API (/api/, /my/, /quantum, ...).
export const PATHS = {
  jobs: '/jobs',
  tokens: '/settings/tokens',
  providerTokens: '/settings/provider-tokens',
  organizations: '/settings/organizations',
  auditLog: '/settings/audit-log',
  orgSettings: (id: string) => `/orgs/${encodeURIComponent(id)}/settings`,
  orgAuditLog: (id: string) => `/orgs/${encodeURIComponent(id)}/audit-log`,
} as const;
