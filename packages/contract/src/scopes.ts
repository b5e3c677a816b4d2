// Scope names (DESIGN.md, "Scopes"). read_api is implied by api.
export const SCOPES = ['api', 'read_api', 'quantum_tokens'] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['owner', 'maintainer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
