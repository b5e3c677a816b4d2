import type { ProviderId } from '../providers/catalog';
import { createAqtAdapter } from './aqt/aqt.adapter';
import { createBraketAdapter } from './aws-braket/braket.adapter';
import { createAzureQuantumAdapter } from './azure-quantum/azure-quantum.adapter';
import { createDwaveAdapter } from './dwave/dwave.adapter';
import { IamTokenCache } from './ibm/ibm.iam';
import { createIbmAdapter } from './ibm/ibm.adapter';
import { createIonqAdapter } from './ionq/ionq.adapter';
import { createIqmAdapter } from './iqm/iqm.adapter';
import type { ProviderAdapter } from './types';

export interface AdapterRegistry {
  adapterFor(providerId: ProviderId): ProviderAdapter;
}

/** One adapter per provider. IBM and IBM Cloud share one IAM token cache: same keys, same IAM. */
export function createAdapterRegistry(): AdapterRegistry {
  const iamTokens = new IamTokenCache();
  const adapters: Readonly<Record<ProviderId, ProviderAdapter>> = {
    ibm: createIbmAdapter('ibm', iamTokens),
    ibm_cloud: createIbmAdapter('ibm_cloud', iamTokens),
    ionq: createIonqAdapter(),
    aws_braket: createBraketAdapter(),
    dwave: createDwaveAdapter(),
    aqt: createAqtAdapter(),
    iqm: createIqmAdapter(),
    azure_quantum: createAzureQuantumAdapter(),
  };
  return { adapterFor: (providerId) => adapters[providerId] };
}

// The process-wide registry. Adapters hold no configuration (URLs, fetch and clock come in
// with every call); the only state is the IAM token cache, which is worth sharing.
let shared: AdapterRegistry | undefined;

export function adapterFor(providerId: ProviderId): ProviderAdapter {
  shared ??= createAdapterRegistry();
  return shared.adapterFor(providerId);
}
