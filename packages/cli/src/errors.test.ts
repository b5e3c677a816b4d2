import { AuthenticationError, ConnectionError, PermissionError, ProviderError, ValidationError } from '@qonduit/sdk';
import { describe, expect, it } from 'vitest';
import { CliError, EXIT, describeError, formatReport } from './errors';

const situation = { url: 'http://127.0.0.1:8080', tokenSource: 'config' as const };

describe('error reports', () => {
  it('a missing scope gives exit 4 and a hint with the scopes to create a token with', () => {
    const err = new PermissionError("needs 'quantum_tokens'", {
      code: 'insufficient_scope',
      status: 403,
      requestId: 'r-1',
      wwwAuthenticate: 'Bearer error="insufficient_scope", scope="quantum_tokens"',
    });
    expect(formatReport(describeError(err, situation))).toBe(
      'qonduit: token lacks scope quantum_tokens (request r-1)\nhint: create one with `qonduit tokens create --scopes api,quantum_tokens`, then `qonduit login` with it\n',
    );
    expect(describeError(err, situation).exitCode).toBe(EXIT.permission);
  });

  it('an authentication failure gives exit 3 and the server’s reason', () => {
    const report = describeError(new AuthenticationError('Authentication failed: the token has expired', { code: 'unauthenticated', status: 401 }), situation);
    expect(report).toMatchObject({ exitCode: EXIT.authentication, message: 'authentication failed: the token has expired' });
  });

  it('lists every field of a validation error on the one line', () => {
    const err = new ValidationError('name is required', {
      code: 'validation_failed',
      status: 400,
      details: [
        { field: 'name', message: 'is required' },
        { field: 'scopes', message: 'must not be empty' },
      ],
    });
    expect(describeError(err, situation).message).toBe('name is required (name is required; scopes must not be empty)');
    // What was typed was refused: the usage exit code, as for a bad flag.
    expect(describeError(err, situation).exitCode).toBe(EXIT.usage);
  });

  it("a job that failed at its provider hints at verifying that provider's token, by name", () => {
    const err = new ProviderError('Job j failed at IonQ: invalid key', { code: 'job_failed', status: 0, jobId: 'j', provider: 'ionq' });
    expect(describeError(err, situation).hint).toBe('check the provider token with `qonduit provider-tokens verify ionq`');
  });

  it('an unexpected error is one line without a stack trace', () => {
    const text = formatReport(describeError(new TypeError('boom'), situation));
    expect(text).toBe('qonduit: unexpected error: boom\n');
  });

  it('keeps the exit code and hint of its own errors, and names the server it could not reach', () => {
    expect(describeError(new CliError('x', { exitCode: EXIT.usage, hint: 'y' }), situation)).toMatchObject({ exitCode: 2, hint: 'y' });
    expect(describeError(new ConnectionError('down', { code: 'network_error', status: 0 }), situation).message).toBe(
      'cannot reach the Qonduit server at http://127.0.0.1:8080',
    );
  });
});
