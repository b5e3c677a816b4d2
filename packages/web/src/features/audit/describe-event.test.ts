import type { AuditEvent } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { describeAction, describeActor, describeDetails } from './describe-event';

const event = (details: Record<string, unknown>): AuditEvent => ({
  id: 'e1',
  action: 'provider_token.verified',
  actor: { user_id: 'u1', name: 'Ada Lovelace', token_id: null, token_name: null, ip: '127.0.0.1' },
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

  it('names the person, and the token when one acted, never a bare id', () => {
    const by = (actor: Partial<AuditEvent['actor']>) => describeActor({ ...event({}), actor: { user_id: null, name: null, token_id: null, token_name: null, ip: null, ...actor } });
    expect(by({ user_id: 'u1', name: 'Ada Lovelace' })).toBe('Ada Lovelace');
    expect(by({ user_id: 'u1', name: 'Ada Lovelace', token_id: 't1', token_name: 'laptop' })).toBe('Ada Lovelace via token “laptop”');
    expect(by({})).toBe('Someone not signed in');
    expect(describeActor({ ...event({ actor: 'system', inactive_days: 90 }), actor: { user_id: null, name: null, token_id: null, token_name: null, ip: null } })).toBe('Qonduit (automatically)');
    expect(describeDetails(event({ actor: 'system', inactive_days: 90 }))).toBe('unused for 90 days');
    expect(describeAction('personal_access_token.revoked_inactive')).toBe('Revoked unused personal access token');
    expect(describeAction('personal_access_token.ip_refused')).toBe('Refused a request from outside the allowed addresses of personal access token');
    expect(describeAction('organization.token_policy_changed')).toBe('Changed the token policy of');
    expect(describeDetails(event({ old_role: 'viewer', new_role: 'owner' }))).toBe('viewer → owner');
    expect(describeDetails(event({ old_name: 'Lab', new_name: 'Labs' }))).toBe('from “Lab” to “Labs”');
  });
});
