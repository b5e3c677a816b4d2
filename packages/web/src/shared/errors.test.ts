import { AuthenticationError, ConflictError, ConnectionError, NotFoundError, PermissionError, QonduitError, RateLimitError, ValidationError } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { describeError, fieldErrors, humanize } from './errors';

const init = { status: 400, code: 'validation_failed' };

describe('describeError', () => {
  it('points a validation error with fields at the fields, and names them in fieldErrors', () => {
    const error = new ValidationError('name must NOT have fewer than 1 characters', { ...init, details: [{ field: 'name', message: 'must NOT have fewer than 1 characters' }] });
    expect(describeError(error)).toBe('Please correct the highlighted fields.');
    expect(fieldErrors(error)).toEqual({ name: 'Must have at least 1 characters' });
  });

  it('strips a prefix from field names (credentials.api_key → api_key) and ignores other fields', () => {
    const error = new ValidationError('x', { ...init, details: [{ field: 'credentials.api_key', message: 'must be 32 letters or digits' }, { field: 'provider', message: 'unknown' }] });
    expect(fieldErrors(error, 'credentials.')).toEqual({ api_key: 'Must be 32 letters or digits' });
  });

  it('tells a wrong password on sign-in apart from an ended session elsewhere', () => {
    const error = new AuthenticationError('Authentication failed: wrong email or password', { status: 401, code: 'unauthenticated' });
    expect(describeError(error, { signingIn: true })).toBe('The email or password is wrong.');
    expect(describeError(error)).toMatch(/session has ended/);
  });

  it('explains a role refusal with who can help', () => {
    const error = new PermissionError("Only owners and maintainers can change the organization's provider tokens; your role is viewer", { status: 403, code: 'forbidden' });
    expect(describeError(error)).toMatch(/^Only owners and maintainers .* your role is viewer\. Ask an owner/);
  });

  it('names the conflict of a taken email and the last owner', () => {
    expect(describeError(new ConflictError('taken', { status: 409, code: 'email_taken' }))).toMatch(/already exists/);
    expect(describeError(new ConflictError('An organization must keep at least one owner', { status: 409, code: 'last_owner' }))).toBe('An organization must keep at least one owner.');
  });

  it('says how long to wait when rate limited', () => {
    expect(describeError(new RateLimitError('slow down', { status: 429, code: 'rate_limited', retryAfter: 30 }))).toMatch(/wait 30 seconds/);
  });

  it('turns a missing item, an unreachable server and a 500 into plain words', () => {
    expect(describeError(new NotFoundError('gone', { status: 404, code: 'not_found' }), { subject: 'This token' })).toMatch(/^This token no longer exists/);
    expect(describeError(new ConnectionError('fetch failed', { status: 0, code: 'network_error' }))).toMatch(/Cannot reach/);
    expect(describeError(new QonduitError('boom', { status: 500, code: 'internal', requestId: 'req-1' }))).toMatch(/request ID req-1/);
  });
});

describe('humanize', () => {
  it("rewrites Ajv's shouting into plain words", () => {
    expect(humanize('must NOT have fewer than 8 characters')).toBe('Must have at least 8 characters');
  });
});
