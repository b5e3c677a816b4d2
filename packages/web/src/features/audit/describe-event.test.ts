import type { AuditEvent } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { describeAction, describeDetails } from './describe-event';

const event = (details: Record<string, unknown>): AuditEvent => ({
  id: 'e1',
  action: 'provider_token.verified',
  actor: { user_id: 'u1', token_id: null, ip: '127.0.0.1' },
  account: { id: 'o1', type: 'organization' },
  target: { type: 'provider_token', id: null, name: 'ionq' },
  details,
  created_at: '2025-01-01T00:00:00.000Z',
});

describe('audit event wording', () => {
  it('names known actions in words and shows unknown ones as sent', () => {
    expect(describeAction('provider_token.added')).toBe('Added provider token');
    expect(describeAction('something.new')).toBe('something.new');
  });

  it('summarises the details that matter and ignores the rest', () => {
    expect(describeDetails(event({ provider: 'ionq', result: 'valid', hints: { api_key: '••••abcd' } }))).toBe('result valid');
    expect(describeDetails(event({ provider: 'dwave' }))).toBe('provider dwave');
    expect(describeDetails(event({ scopes: ['api', 'quantum_tokens'] }))).toBe('scopes api, quantum_tokens');
  });
});
