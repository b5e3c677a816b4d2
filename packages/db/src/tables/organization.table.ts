import type { Insertable, Selectable } from 'kysely';

export interface OrganizationTable {
  id: string;
  name: string;
  /** Unique; the name as URLs and `--org` take it (core/src/slug.ts). */
  slug: string;
  created_at: string;
  created_by: string;
}
export type Organization = Selectable<OrganizationTable>;
export type NewOrganization = Insertable<OrganizationTable>;
