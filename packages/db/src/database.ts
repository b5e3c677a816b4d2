import type { AuditEventTable } from './tables/audit-event.table';
import type { InvitationTable } from './tables/invitation.table';
import type { JobAccountTurnTable } from './tables/job-account-turn.table';
import type { JobTable } from './tables/job.table';
import type { MembershipTable } from './tables/membership.table';
import type { OrganizationTable } from './tables/organization.table';
import type { OrganizationTokenPolicyTable } from './tables/organization-token-policy.table';
import type { SessionTable } from './tables/session.table';
import type { AuthChallengeTable, RecoveryCodeTable, SecondFactorTable } from './tables/second-factor.table';
import type { ProviderTokenTable } from './tables/provider-token.table';
import type { PersonalAccessTokenTable } from './tables/personal-access-token.table';
import type { UserTable } from './tables/user.table';
import type { SpendingLimitTable, UsageCounterTable } from './tables/spending.table';
import type { CalendarFeedTable, NoticeDeliveryTable, NoticeWebhookTable, TokenNoticeTable } from './tables/token-notice.table';

export interface Database {
  users: UserTable;
  sessions: SessionTable;
  organizations: OrganizationTable;
  memberships: MembershipTable;
  invitations: InvitationTable;
  personal_access_tokens: PersonalAccessTokenTable;
  organization_token_policies: OrganizationTokenPolicyTable;
  audit_events: AuditEventTable;
  provider_tokens: ProviderTokenTable;
  jobs: JobTable;
  job_account_turns: JobAccountTurnTable;
  spending_limits: SpendingLimitTable;
  usage_counters: UsageCounterTable;
  token_notices: TokenNoticeTable;
  notice_deliveries: NoticeDeliveryTable;
  notice_webhooks: NoticeWebhookTable;
  calendar_feeds: CalendarFeedTable;
  second_factors: SecondFactorTable;
  recovery_codes: RecoveryCodeTable;
  auth_challenges: AuthChallengeTable;
}
