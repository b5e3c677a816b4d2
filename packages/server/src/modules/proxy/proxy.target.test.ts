import { describe, expect, it } from 'vitest';
import { upstreamUrl } from './proxy.target';

const DWAVE = 'https://na-west-1.cloud.dwavesys.com/sapi/v2';
const IONQ = 'https://api.ionq.co/v0.4';
const BRAKET = 'https://braket.us-east-1.amazonaws.com';

function target(base: string, rest: string, query = ''): string {
  const result = upstreamUrl(base, rest, query);
  if (!result.ok) throw new Error(result.reason);
  return result.value.href;
}

function refused(base: string, rest: string, query = ''): string {
  const result = upstreamUrl(base, rest, query);
  if (result.ok) throw new Error(`expected a refusal, got ${result.value.href}`);
  return result.reason;
}

describe('the upstream URL of a proxied path', () => {
  it('appends the path to the base URL, keeping the query as sent', () => {
    expect(target(IONQ, '/jobs/abc', '?limit=10&x=%2F')).toBe(
      'https://api.ionq.co/v0.4/jobs/abc?limit=10&x=%2F',
    );
    expect(target(BRAKET, '/devices')).toBe('https://braket.us-east-1.amazonaws.com/devices');
  });

  it("does not repeat the base path when the path already starts with it (D-Wave's SAPI endpoint)", () => {
    expect(target(DWAVE, '/sapi/v2/solvers/remote/')).toBe(
      'https://na-west-1.cloud.dwavesys.com/sapi/v2/solvers/remote/',
    );
    expect(target(DWAVE, '/sapi/v2')).toBe('https://na-west-1.cloud.dwavesys.com/sapi/v2');
    expect(target(DWAVE, '/solvers/remote/')).toBe(
      'https://na-west-1.cloud.dwavesys.com/sapi/v2/solvers/remote/',
    );
    // Only a whole segment counts as the base path.
    expect(target(DWAVE, '/sapi/v2x/a')).toBe('https://na-west-1.cloud.dwavesys.com/sapi/v2/sapi/v2x/a');
  });

  it('lets an encoded slash inside a segment through, as AWS ARNs in Braket paths need', () => {
    const arn = encodeURIComponent(
      'arn:aws:braket:us-east-1:123456789012:quantum-task/6a1c8a9e-0000-4000-8000-000000000000',
    );
    expect(target(BRAKET, `/quantum-task/${arn}`)).toBe(
      `https://braket.us-east-1.amazonaws.com/quantum-task/${arn}`,
    );
  });

  it.each([
    ['/../../etc/passwd'],
    ['/jobs/../../../etc'],
    ['/./jobs'],
    ['/%2e%2e/%2e%2e/etc'],
    ['/%2E%2e/x'],
    ['/..%2f..%2fetc'],
    ['/%2e%2e%2f%2e%2e%2fetc'],
    ['/%252e%252e/x'],
    ['/%25252e%25252e/x'],
    ['/..;/x'],
    ['/..\\..\\x'],
    ['/%5c..%5cx'],
    ['//evil.example/'],
    ['/http://evil.example'],
    ['/http:%2f%2fevil.example/'],
    ['/%2f%2fevil.example'],
    ['/jobs%2f..%2f..%2fadmin'],
    ['/a%00b'],
    ['/a%'],
    ['/jobs#frag'],
    ['relative'],
  ])('refuses %s', (rest) => {
    expect(refused(IONQ, rest)).not.toBe('');
  });

  it('refuses a path that is not plain percent-encoded ASCII', () => {
    expect(refused(IONQ, '/caf\u00e9')).toMatch(/ASCII/);
    expect(refused(IONQ, '/a b')).toMatch(/ASCII/);
    expect(refused(IONQ, '/a{b}')).toMatch(/normalized/);
  });

  it('keeps every accepted URL on the base origin and under the base path', () => {
    for (const rest of ['/', '/@evil.example/', '/%40evil.example', '/jobs?x', '/:8080/x']) {
      const result = upstreamUrl(IONQ, rest, '');
      if (result.ok) {
        expect(result.value.origin).toBe('https://api.ionq.co');
        expect(result.value.pathname.startsWith('/v0.4/')).toBe(true);
      }
    }
  });
});
