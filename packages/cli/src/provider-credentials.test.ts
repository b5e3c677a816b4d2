import type { Provider } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors';
import { credentialsFromArguments, credentialsFromStdin, missingFields } from './provider-credentials';

const field = (name: string, secret: boolean, required = true) => ({
  name,
  label: name,
  secret,
  required,
  pattern: '.*',
  max_length: 100,
  description: '',
});
const provider = (id: string, fields: Provider['fields']): Provider => ({ id, display_name: id.toUpperCase(), planqk_name: id.toUpperCase(), token_url: 'https://example.com', fields });
const IONQ = provider('ionq', [field('api_key', true)]);
const AWS = provider('aws_braket', [field('access_key_id', false), field('secret_access_key', true), field('region', false), field('session_token', true, false)]);

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError && err.exitCode === 2) return err.message;
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('where provider credentials come from', () => {
  it('takes non-secret fields from --field, and refuses a secret one without echoing it', () => {
    const values = credentialsFromArguments(AWS, { assignments: ['region=us-east-1', 'access_key_id=AKIA1'], fromEnv: [], env: {} });
    expect(values).toEqual({ region: 'us-east-1', access_key_id: 'AKIA1' });
    const message = usage(() => credentialsFromArguments(AWS, { assignments: ['secret_access_key=s3cr3t'], fromEnv: [], env: {} }));
    expect(message).toBe('secret_access_key is secret: it is never taken from an argument');
  });

  it('maps --from-env VAR to the only secret field, or field=VAR to a named one', () => {
    expect(credentialsFromArguments(IONQ, { assignments: [], fromEnv: ['KEY'], env: { KEY: 'k' } })).toEqual({ api_key: 'k' });
    expect(credentialsFromArguments(AWS, { assignments: [], fromEnv: ['secret_access_key=S'], env: { S: 's' } })).toEqual({ secret_access_key: 's' });
    expect(usage(() => credentialsFromArguments(AWS, { assignments: [], fromEnv: ['S'], env: { S: 's' } }))).toContain('several secret fields');
    expect(usage(() => credentialsFromArguments(IONQ, { assignments: [], fromEnv: ['nope=S'], env: {} }))).toBe('IONQ has no field "nope"');
  });

  it('lists the required fields still missing', () => {
    expect(missingFields(AWS, { region: 'x' }).map((f) => f.name)).toEqual(['access_key_id', 'secret_access_key']);
  });

  it('reads standard input as JSON, as name=value lines, or as the one missing value', () => {
    expect(credentialsFromStdin(AWS, '{"secret_access_key": "s", "region": "r"}', [])).toEqual({ secret_access_key: 's', region: 'r' });
    expect(credentialsFromStdin(AWS, 'secret_access_key=a=b\n\nregion = r\n', [])).toEqual({ secret_access_key: 'a=b', region: 'r' });
    expect(credentialsFromStdin(IONQ, '  key with=sign \n', missingFields(IONQ, {}))).toEqual({ api_key: 'key with=sign' });
    expect(usage(() => credentialsFromStdin(AWS, 'just-a-value', missingFields(AWS, {})))).toBe('cannot tell which fields standard input holds');
    expect(usage(() => credentialsFromStdin(AWS, '{"region": 1}', []))).toBe('region in standard input must be a string');
  });
});
