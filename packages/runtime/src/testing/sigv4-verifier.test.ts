import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, canonicalUri, uriEncode, verifySigV4 } from './sigv4-verifier';

// The "get-vanilla" case of AWS's Signature Version 4 test suite.
const VANILLA = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'service',
  now: new Date('2015-08-30T12:36:00Z'),
};
const VANILLA_SIGNATURE = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';

function vanilla(signature: string) {
  return {
    method: 'GET',
    path: '/',
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    },
    body: '',
  };
}

describe('the SigV4 verifier of the fakes', () => {
  it('accepts the get-vanilla request of AWS’s test suite', () => {
    expect(verifySigV4(vanilla(VANILLA_SIGNATURE), VANILLA)).toEqual({ ok: true });
  });

  it('refuses a signature with one digit changed', () => {
    const wrong = `${VANILLA_SIGNATURE.slice(0, -1)}0`;
    expect(verifySigV4(vanilla(wrong), VANILLA)).toMatchObject({ ok: false, failure: 'InvalidSignature' });
  });

  it('refuses an unknown access key id before checking the signature', () => {
    expect(verifySigV4(vanilla(VANILLA_SIGNATURE), { ...VANILLA, accessKeyId: 'AKIDOTHER' })).toMatchObject({
      failure: 'UnrecognizedClient',
    });
  });

  it('refuses a request signed more than 15 minutes from the server clock', () => {
    const later = { ...VANILLA, now: new Date('2015-08-30T12:52:00Z') };
    expect(verifySigV4(vanilla(VANILLA_SIGNATURE), later)).toMatchObject({ failure: 'SignatureExpired' });
  });

  it('encodes path segments twice for every service but S3', () => {
    expect(canonicalUri('/quantum-task/arn%3Aaws%3Abraket', 'braket')).toBe(
      '/quantum-task/arn%253Aaws%253Abraket',
    );
    expect(canonicalUri('/bucket/a%20b', 's3')).toBe('/bucket/a%20b');
    expect(canonicalUri('/a/./b/../c/', 'braket')).toBe('/a/c/');
  });

  it('sorts and encodes the query', () => {
    expect(canonicalQuery('b=2&a=%20x&a=1')).toBe('a=%20x&a=1&b=2');
    expect(uriEncode('a b/~')).toBe('a%20b%2F~');
  });

  it('matches a signature computed step by step from the spec', () => {
    const canonical = [
      'GET',
      '/',
      '',
      'host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n',
      'host;x-amz-date',
      createHash('sha256').update('').digest('hex'),
    ].join('\n');
    const toSign = [
      'AWS4-HMAC-SHA256',
      '20150830T123600Z',
      '20150830/us-east-1/service/aws4_request',
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    let key: Buffer | string = `AWS4${VANILLA.secretAccessKey}`;
    for (const part of ['20150830', 'us-east-1', 'service', 'aws4_request'])
      key = createHmac('sha256', key).update(part).digest();
    expect(createHmac('sha256', key).update(toSign).digest('hex')).toBe(VANILLA_SIGNATURE);
  });
});
