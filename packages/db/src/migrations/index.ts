import type { Migration } from 'kysely';
import * as m202611281400 from './202611281400_accounts';
import * as m202611281430 from './202611281430_tokens_and_audit';
import * as m202611281500 from './202611281500_provider_tokens';
import * as m202611281530 from './202611281530_jobs';
import * as m202611281600 from './202611281600_job_idempotency';
import * as m202611291200 from './202611291200_job_queue';
import * as m202611291230 from './202611291230_org_provider_tokens_cascade';
import * as m202611291300 from './202611291300_org_invitations';
import * as m202611291310 from './202611291310_audit_filters';
import * as m202611291400 from './202611291400_drop_login_failures';
import * as m202611291500 from './202611291500_token_restrictions_and_org_policy';
import * as m202611291600 from './202611291600_spending_limits';
import * as m202611291700 from './202611291700_token_notices';
import * as m202611291800 from './202611291800_org_slugs';
import * as m202612061000 from './202612061000_second_factors';

// Listed statically (not read from a folder) so that migrations work the same from source,
// from a bundle and in tests. Names sort by time.
export const migrations: Record<string, Migration> = {
  '202611281400_accounts': m202611281400,
  '202611281430_tokens_and_audit': m202611281430,
  '202611281500_provider_tokens': m202611281500,
  '202611281530_jobs': m202611281530,
  '202611281600_job_idempotency': m202611281600,
  '202611291200_job_queue': m202611291200,
  '202611291230_org_provider_tokens_cascade': m202611291230,
  '202611291300_org_invitations': m202611291300,
  '202611291310_audit_filters': m202611291310,
  '202611291400_drop_login_failures': m202611291400,
  '202611291500_token_restrictions_and_org_policy': m202611291500,
  '202611291600_spending_limits': m202611291600,
  '202611291700_token_notices': m202611291700,
  '202611291800_org_slugs': m202611291800,
  '202612061000_second_factors': m202612061000,
};
