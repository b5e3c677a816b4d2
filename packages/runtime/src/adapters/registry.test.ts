import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../providers/catalog';
import { adapterFor, createAdapterRegistry } from './registry';

describe('adapter registry', () => {
  it('has an adapter for every provider in the catalog, under its own id', () => {
    const registry = createAdapterRegistry();
    for (const id of PROVIDER_IDS) expect(registry.adapterFor(id).id).toBe(id);
  });

  it('gives job methods to the providers whose jobs Qonduit runs itself', () => {
    for (const id of ['ibm', 'ibm_cloud', 'ionq', 'aws_braket', 'aqt', 'iqm'] as const) {
      expect(adapterFor(id)).toHaveProperty('submit');
    }
    expect(adapterFor('dwave')).not.toHaveProperty('submit');
    expect(adapterFor('azure_quantum')).not.toHaveProperty('submit');
  });
});
