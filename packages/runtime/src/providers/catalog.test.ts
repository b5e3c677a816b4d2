import { describe, expect, it } from 'vitest';
import {
  maskCredential,
  PROVIDER_CATALOG,
  PROVIDER_IDS,
  providerById,
  providerByPlanqkName,
  validateCredential,
} from './catalog';

const AWS = {
  access_key_id: 'AKIAIOSFODNN7EXAMPLE',
  secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
};
const IBM = {
  api_key: 'Abcdefghij_Klmnopqrst-Uvwxyz0123456789abcdef',
  instance_crn:
    'crn:v1:bluemix:public:quantum-computing:us-east:a/0123456789abcdef0123456789abcdef:01234567-89ab-cdef-0123-456789abcdef::',
};

function failure(result: ReturnType<typeof validateCredential>) {
  if (result.ok) throw new Error('expected the credential to be refused');
  return result.details;
}

describe('provider catalog', () => {
  it('lists every provider id once, with PlanQK’s upper-case names', () => {
    expect(PROVIDER_CATALOG.map((p) => p.id)).toEqual([...PROVIDER_IDS]);
    expect(PROVIDER_CATALOG.map((p) => p.planqk_name)).toEqual([
      'IBM',
      'IBM_CLOUD',
      'IONQ',
      'AWS',
      'DWAVE',
      'AQT',
      'IQM',
      'AZURE',
    ]);
  });

  it('finds providers by id and by PlanQK name, case-insensitively', () => {
    expect(providerById('ionq')?.display_name).toBe('IonQ');
    expect(providerByPlanqkName('AWS')?.id).toBe('aws_braket');
    expect(providerByPlanqkName('dwave')?.id).toBe('dwave');
    expect(providerById('nope')).toBeUndefined();
  });

  it('gives every field a compilable, anchored pattern and a max length', () => {
    for (const provider of PROVIDER_CATALOG) {
      for (const field of provider.fields) {
        expect(() => new RegExp(field.pattern)).not.toThrow();
        expect(field.pattern.startsWith('^') && field.pattern.endsWith('$')).toBe(true);
        expect(field.max_length).toBeGreaterThan(0);
        expect(Object.keys(field).sort()).toEqual([
          'description',
          'label',
          'max_length',
          'name',
          'pattern',
          'required',
          'secret',
        ]);
      }
    }
  });

  it('marks keys and tokens secret and identifiers not', () => {
    const secret = (id: string, name: string) =>
      providerById(id)?.fields.find((f) => f.name === name)?.secret;
    expect(secret('ibm', 'api_key')).toBe(true);
    expect(secret('ibm', 'instance_crn')).toBe(false);
    expect(secret('aws_braket', 'secret_access_key')).toBe(true);
    expect(secret('aws_braket', 'access_key_id')).toBe(false);
    expect(secret('aws_braket', 'session_token')).toBe(true);
    expect(secret('azure_quantum', 'connection_string')).toBe(true);
  });
});

describe('validateCredential', () => {
  it('accepts well-formed credentials and trims pasted whitespace', () => {
    expect(validateCredential('aws_braket', { ...AWS, region: ' us-east-1\n' })).toEqual({
      ok: true,
      credential: AWS,
    });
    expect(validateCredential('ibm', IBM)).toEqual({ ok: true, credential: IBM });
    expect(validateCredential('dwave', { token: `DEV-${'ab12'.repeat(10)}` }).ok).toBe(true);
  });

  it('refuses an unknown field and names it', () => {
    expect(failure(validateCredential('ionq', { api_key: 'a'.repeat(32), apikey: 'x' }))).toEqual([
      expect.objectContaining({ field: 'apikey' }),
    ]);
  });

  it('refuses a missing required field, and an empty one', () => {
    expect(failure(validateCredential('aws_braket', { ...AWS, region: undefined }))).toEqual([
      { field: 'region', message: 'region is required' },
    ]);
    expect(failure(validateCredential('ibm', { ...IBM, api_key: '   ' }))[0]?.field).toBe('api_key');
  });

  it('treats an empty optional field as absent', () => {
    expect(validateCredential('aws_braket', { ...AWS, session_token: '' })).toEqual({
      ok: true,
      credential: AWS,
    });
  });

  it('refuses values that are not strings', () => {
    expect(failure(validateCredential('ionq', { api_key: 12345 }))).toEqual([
      { field: 'api_key', message: 'api_key must be a string' },
    ]);
    expect(failure(validateCredential('ionq', ['x']))[0]?.field).toBe('credentials');
  });

  it('refuses an AWS access key id of the wrong shape, naming the expected shape', () => {
    const [detail] = failure(validateCredential('aws_braket', { ...AWS, access_key_id: 'AKIA123' }));
    expect(detail?.field).toBe('access_key_id');
    expect(detail?.message).toContain("'AKIA' or 'ASIA'");
  });

  it('refuses an AWS secret access key that is not exactly 40 characters', () => {
    for (const secret of [AWS.secret_access_key.slice(1), `${AWS.secret_access_key}x`]) {
      const [detail] = failure(validateCredential('aws_braket', { ...AWS, secret_access_key: secret }));
      expect(detail?.field).toBe('secret_access_key');
      expect(detail?.message).toContain('40');
    }
  });

  it('refuses a too-long value before matching it', () => {
    const [detail] = failure(validateCredential('ionq', { api_key: 'a'.repeat(5000) }));
    expect(detail?.message).toContain('too long');
  });

  it('never repeats a submitted value in its messages', () => {
    const values = ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY!!', 'AKIAsecret-looking', 'us-east-one'];
    const result = validateCredential('aws_braket', {
      secret_access_key: values[0],
      access_key_id: values[1],
      region: values[2],
    });
    const text = JSON.stringify(failure(result));
    for (const value of values) expect(text).not.toContain(value);
  });

  it('requires the results bucket, when given, to be a Braket bucket', () => {
    expect(failure(validateCredential('aws_braket', { ...AWS, s3_bucket: 'my-bucket' }))[0]?.field).toBe(
      's3_bucket',
    );
    expect(validateCredential('aws_braket', { ...AWS, s3_bucket: 'amazon-braket-results-1' }).ok).toBe(true);
  });

  it('checks the shape of an IBM instance CRN and an Azure connection string', () => {
    expect(failure(validateCredential('ibm', { ...IBM, instance_crn: 'my-instance' }))[0]?.field).toBe(
      'instance_crn',
    );
    const azure =
      'SubscriptionId=01234567-89ab-cdef-0123-456789abcdef;ResourceGroupName=rg;WorkspaceName=ws;ApiKey=k3y;QuantumEndpoint=https://eastus.quantum.azure.com/;';
    expect(validateCredential('azure_quantum', { connection_string: azure }).ok).toBe(true);
    expect(validateCredential('azure_quantum', { connection_string: 'ApiKey=k3y' }).ok).toBe(false);
  });
});

describe('maskCredential', () => {
  it('shows the last 4 characters of a secret, and non-secret fields in full', () => {
    expect(maskCredential('aws_braket', AWS)).toEqual({
      access_key_id: AWS.access_key_id,
      secret_access_key: '••••EKEY',
      region: 'us-east-1',
    });
  });

  it('shows only the last 2 characters of a secret shorter than 16, and none below 8', () => {
    expect(maskCredential('aqt', { token: 'abcdefghijkl' })).toEqual({ token: '••••kl' });
    expect(maskCredential('aqt', { token: 'abcdef' })).toEqual({ token: '••••' });
  });

  it('leaves out fields the catalog does not know', () => {
    expect(maskCredential('ionq', { api_key: 'a'.repeat(28) + 'wxyz', extra: 'value' })).toEqual({
      api_key: '••••wxyz',
    });
  });
});
