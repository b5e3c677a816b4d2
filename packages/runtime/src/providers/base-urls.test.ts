import { describe, expect, it } from 'vitest';
import {
  braketUrl,
  DEFAULT_IBM_IAM_URL,
  joinUrl,
  providerBaseUrl,
  providerUrlsFromEnv,
  s3ObjectUrl,
} from './base-urls';

describe('providerUrlsFromEnv', () => {
  it('defaults every provider to its public API', () => {
    const urls = providerUrlsFromEnv({});
    expect(urls.base.ionq).toBe('https://api.ionq.co/v0.4');
    expect(urls.base.ibm).toBe('https://quantum.cloud.ibm.com/api/v1');
    expect(urls.base.dwave).toBe('https://na-west-1.cloud.dwavesys.com/sapi/v2');
    expect(urls.ibmIam).toBe(DEFAULT_IBM_IAM_URL);
    expect(urls.awsBraket).toBeUndefined();
  });

  it('takes QONDUIT_PROVIDER_<ID>_URL and drops trailing slashes', () => {
    const urls = providerUrlsFromEnv({
      QONDUIT_PROVIDER_IONQ_URL: 'http://127.0.0.1:9000/v0.4/',
      QONDUIT_PROVIDER_AWS_BRAKET_URL: 'http://127.0.0.1:9001',
      QONDUIT_PROVIDER_IBM_IAM_URL: 'http://127.0.0.1:9002',
    });
    expect(urls.base.ionq).toBe('http://127.0.0.1:9000/v0.4');
    expect(urls.awsBraket).toBe('http://127.0.0.1:9001');
    expect(urls.ibmIam).toBe('http://127.0.0.1:9002');
  });

  it('refuses a URL that is not http(s), naming the variable', () => {
    expect(() => providerUrlsFromEnv({ QONDUIT_PROVIDER_IQM_URL: 'ftp://example.com' })).toThrow(
      /QONDUIT_PROVIDER_IQM_URL/,
    );
    expect(() => providerUrlsFromEnv({ QONDUIT_PROVIDER_AQT_URL: 'not a url' })).toThrow(
      /QONDUIT_PROVIDER_AQT_URL/,
    );
    expect(() =>
      providerUrlsFromEnv({ QONDUIT_PROVIDER_AWS_BRAKET_S3_URL: 'https://u:p@example.com' }),
    ).toThrow(/QONDUIT_PROVIDER_AWS_BRAKET_S3_URL/);
  });
});

describe('AWS URLs', () => {
  it('follows the credential’s region when no Braket URL is configured', () => {
    const urls = providerUrlsFromEnv({});
    expect(braketUrl(urls, 'eu-west-2')).toBe('https://braket.eu-west-2.amazonaws.com');
    expect(providerBaseUrl(urls, 'aws_braket', { region: 'us-west-1' })).toBe(
      'https://braket.us-west-1.amazonaws.com',
    );
    expect(() => braketUrl(urls, 'evil.example.com/x')).toThrow(/region/);
  });

  it('uses S3 virtual-hosted URLs by default and path-style when configured', () => {
    expect(s3ObjectUrl(providerUrlsFromEnv({}), 'us-east-1', 'amazon-braket-x', 'a/b c/results.json')).toBe(
      'https://amazon-braket-x.s3.us-east-1.amazonaws.com/a/b%20c/results.json',
    );
    const local = providerUrlsFromEnv({ QONDUIT_PROVIDER_AWS_BRAKET_S3_URL: 'http://127.0.0.1:9100' });
    expect(s3ObjectUrl(local, 'us-east-1', 'amazon-braket-x', 'k/results.json')).toBe(
      'http://127.0.0.1:9100/amazon-braket-x/k/results.json',
    );
  });

  it('joins paths with exactly one slash', () => {
    expect(joinUrl('http://h/api/v1/', '/jobs')).toBe('http://h/api/v1/jobs');
  });
});
