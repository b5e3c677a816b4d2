import type { Provider } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { checkCredential, filledCredential } from './credential-check';

const fields: Provider['fields'] = [
  { name: 'api_key', label: 'API key', secret: true, required: true, pattern: '^[A-Za-z0-9]{32}$', max_length: 32, description: '' },
  { name: 'session_token', label: 'Session token', secret: true, required: false, pattern: '^[A-Za-z0-9/+=]{16,4096}$', max_length: 4096, description: '' },
];

describe('checkCredential', () => {
  it('names a missing required field and a malformed one, and lets an empty optional field pass', () => {
    expect(checkCredential(fields, {})).toEqual({ api_key: 'Enter the API key.' });
    expect(checkCredential(fields, { api_key: 'short' })).toEqual({ api_key: expect.stringMatching(/does not look like an API key/) as string });
    expect(checkCredential(fields, { api_key: 'a'.repeat(32), session_token: '' })).toEqual({});
  });

  it('sends only the filled-in fields', () => {
    expect(filledCredential({ api_key: 'k', session_token: '' })).toEqual({ api_key: 'k' });
  });
});
