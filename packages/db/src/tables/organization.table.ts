import type { Insertable, Selectable } from 'kysely';

export interface OrganizationTable {
  id: string;
  name: string;
  created_at: string;
  created_by: string;
}
export type Organization = Selectable<OrganizationTable>;
export type NewOrganization = Insertable<OrganizationTable>;
