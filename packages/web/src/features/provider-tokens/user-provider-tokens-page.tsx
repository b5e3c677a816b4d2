import { PageHeader } from '../../shared/ui';
import { ProviderTokensSection } from './provider-tokens-section';

export function UserProviderTokensPage() {
  return (
    <div className="page">
      <PageHeader
        title="Provider access tokens"
        description="Jobs you run with your personal account use these. Jobs you run for an organization use the organization's tokens, set in its settings."
      />
      <ProviderTokensSection owner={null} title="Your providers" />
    </div>
  );
}
