import type { Insertable, Selectable } from 'kysely';

/** An organization's rules for personal access tokens acting for it (issue 16). */
export interface OrganizationTokenPolicyTable {
  organization_id: string;
  /** Tokens living longer (expiry minus creation) may not act for the organization. */
  max_lifetime_days: number | null;
  /** null: every scope; else space-separated scope names a token may use for the organization. */
  allowed_scopes: string | null;
  /** 1: only tokens that list this organization explicitly may act for it. */
  require_restricted: number;
  /** 1: no personal access token may act for the organization (web sessions only). */
  block_pats: number;
  /** 1: only members with a second factor may act for the organization, by session or token. */
  require_two_factor: number;
  /** 1: members act for the organization only through a single sign-on session or, by token, with a linked identity. */
  require_sso: number;
  updated_at: string;
  updated_by: string | null;
}
export type OrganizationTokenPolicy = Selectable<OrganizationTokenPolicyTable>;
export type NewOrganizationTokenPolicy = Insertable<OrganizationTokenPolicyTable>;
