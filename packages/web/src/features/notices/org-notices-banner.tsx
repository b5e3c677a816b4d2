import { useSession } from '../../app/session';
import { useLoad } from '../../shared/use-async';
import { ExpiryBanner } from './expiry-banner';

/** On the organization's settings page, for owners and maintainers: its provider tokens that failed their check. */
export function OrgNoticesBanner({ orgId }: { orgId: string }) {
  const { client } = useSession();
  const notices = useLoad((signal) => client.notices.listForOrg(orgId, { limit: 100 }, { signal }).then((p) => p.items, () => []), [client, orgId]);
  return <ExpiryBanner notices={notices.data ?? []} />;
}
