import { credentialField } from '../http';
import { ProviderError } from '../types';
import type { Credential, ProviderAdapter } from '../types';

// Azure Quantum: a workspace connection string carries the subscription, resource group,
// workspace, endpoint and an API key that Azure accepts in `x-ms-quantum-api-key`. There is
// no fake of Azure to test a verification call against, so verify says so rather than guess.

const PROVIDER = 'Azure Quantum';

/** The `Key=value;` pairs of a connection string; keys are case-insensitive. */
export function parseConnectionString(value: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return parts;
}

function apiKey(credential: Credential): string {
  const key = parseConnectionString(credentialField(credential, 'connection_string', PROVIDER)).get('apikey');
  if (key === undefined || key === '')
    throw new ProviderError('auth', `the ${PROVIDER} connection string has no ApiKey`);
  return key;
}

export function createAzureQuantumAdapter(): ProviderAdapter {
  return {
    id: 'azure_quantum',

    async verify(credential) {
      try {
        apiKey(credential);
      } catch (error) {
        if (error instanceof ProviderError) return { status: 'invalid', message: error.message };
        throw error;
      }
      return {
        status: 'unsupported',
        message: `${PROVIDER} tokens are stored without an online check; a job will tell whether the key works`,
      };
    },

    async proxyAuthHeaders(credential) {
      return { 'x-ms-quantum-api-key': apiKey(credential) };
    },
  };
}
