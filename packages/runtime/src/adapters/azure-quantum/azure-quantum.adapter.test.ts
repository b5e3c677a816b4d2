import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../testing/adapter-fixtures';
import { createAzureQuantumAdapter, parseConnectionString } from './azure-quantum.adapter';

const CONNECTION =
  'SubscriptionId=01234567-89ab-cdef-0123-456789abcdef;ResourceGroupName=rg;WorkspaceName=ws;ApiKey=secret-api-key-value;QuantumEndpoint=https://westeurope.quantum.azure.com/;';

describe('Azure Quantum adapter', () => {
  const adapter = createAzureQuantumAdapter();
  const ctx = fakeContext({});

  it('says honestly that it cannot check the key online', async () => {
    await expect(adapter.verify({ connection_string: CONNECTION }, ctx)).resolves.toMatchObject({
      status: 'unsupported',
    });
  });

  it('reports a connection string without an ApiKey as invalid', async () => {
    const noKey = CONNECTION.replace('ApiKey=secret-api-key-value;', '');
    await expect(adapter.verify({ connection_string: noKey }, ctx)).resolves.toMatchObject({
      status: 'invalid',
    });
  });

  it('gives the proxy the ApiKey as x-ms-quantum-api-key', async () => {
    await expect(adapter.proxyAuthHeaders({ connection_string: CONNECTION }, ctx)).resolves.toEqual({
      'x-ms-quantum-api-key': 'secret-api-key-value',
    });
  });

  it('reads connection string keys case-insensitively and keeps "=" inside values', () => {
    const parts = parseConnectionString('apikey=a=b;QuantumEndpoint=https://x/');
    expect(parts.get('apikey')).toBe('a=b');
    expect(parts.get('quantumendpoint')).toBe('https://x/');
  });
});
