import type { LoginFailureTable } from './tables/login-failure.table';
import type { MembershipTable } from './tables/membership.table';
import type { OrganizationTable } from './tables/organization.table';
import type { SessionTable } from './tables/session.table';
import type { UserTable } from './tables/user.table';

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  organizations: OrganizationTable;
  memberships: MembershipTable;
  login_failures: LoginFailureTable;
}
