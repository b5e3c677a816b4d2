import { PROVIDER_CATALOG } from './catalog';
import type { ProviderId } from './catalog';

// Where each provider lives. Every URL is configurable so that tests (and air-gapped
// deployments with a gateway) can point the adapters elsewhere; the provider proxy reaches
// only these URLs.

type FixedBaseProvider = Exclude<ProviderId, 'aws_braket'>;

export interface ProviderUrls {
  readonly base: Readonly<Record<FixedBaseProvider, string>>;
  /** Set only by QONDUIT_PROVIDER_AWS_BRAKET_URL; otherwise the URL follows the credential's region. */
  readonly awsBraket: string | undefined;
  /** Set only by QONDUIT_PROVIDER_AWS_BRAKET_S3_URL (path-style); otherwise S3's virtual-hosted URLs. */
  readonly awsBraketS3: string | undefined;
  readonly ibmIam: string;
}

export const DEFAULT_IBM_IAM_URL = 'https://iam.cloud.ibm.com';

export class ProviderUrlError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable} ${message}`);
    this.name = 'ProviderUrlError';
    this.variable = variable;
  }
}

export function envVariableFor(providerId: ProviderId): string {
  return `QONDUIT_PROVIDER_${providerId.toUpperCase()}_URL`;
}

// Trailing slashes go so that joining paths never doubles them.
function checkedUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderUrlError(variable, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderUrlError(variable, `must be an http(s) URL, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '')
    throw new ProviderUrlError(variable, 'must not carry credentials');
  if (url.search !== '' || url.hash !== '')
    throw new ProviderUrlError(variable, 'must not have a query or fragment');
  return value.replace(/\/+$/, '');
}

function optional(env: Readonly<Record<string, string | undefined>>, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? undefined : checkedUrl(variable, value);
}

/** Reads every provider URL from the environment; throws ProviderUrlError naming a bad variable. */
export function providerUrlsFromEnv(env: Readonly<Record<string, string | undefined>>): ProviderUrls {
  const base: Partial<Record<FixedBaseProvider, string>> = {};
  for (const provider of PROVIDER_CATALOG) {
    if (provider.id === 'aws_braket') continue;
    base[provider.id] = optional(env, envVariableFor(provider.id)) ?? provider.default_base_url;
  }
  return Object.freeze({
    base: Object.freeze(base as Record<FixedBaseProvider, string>),
    awsBraket: optional(env, envVariableFor('aws_braket')),
    awsBraketS3: optional(env, 'QONDUIT_PROVIDER_AWS_BRAKET_S3_URL'),
    ibmIam: optional(env, 'QONDUIT_PROVIDER_IBM_IAM_URL') ?? DEFAULT_IBM_IAM_URL,
  });
}

const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$/;

function checkedRegion(region: string): string {
  // The region becomes part of a host name: never let a malformed one through.
  if (!REGION.test(region))
    throw new ProviderUrlError('region', "must be an AWS region name such as 'us-east-1'");
  return region;
}

export function braketUrl(urls: ProviderUrls, region: string): string {
  return urls.awsBraket ?? `https://braket.${checkedRegion(region)}.amazonaws.com`;
}

/** The URL of an S3 object; `key` is encoded here, segment by segment. */
export function s3ObjectUrl(urls: ProviderUrls, region: string, bucket: string, key: string): string {
  const path = key
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  if (urls.awsBraketS3 !== undefined) return `${urls.awsBraketS3}/${encodeURIComponent(bucket)}/${path}`;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new ProviderUrlError('s3_bucket', 'is not a valid bucket name');
  return `https://${bucket}.s3.${checkedRegion(region)}.amazonaws.com/${path}`;
}

/**
 * The base URL the adapters and the provider proxy use for a provider. AWS needs the
 * credential's region unless its URL is configured.
 */
export function providerBaseUrl(
  urls: ProviderUrls,
  providerId: ProviderId,
  credential?: Readonly<Record<string, string>>,
): string {
  if (providerId !== 'aws_braket') return urls.base[providerId];
  if (urls.awsBraket !== undefined) return urls.awsBraket;
  const region = credential?.region;
  if (region === undefined) throw new ProviderUrlError('region', 'is needed to reach Amazon Braket');
  return braketUrl(urls, region);
}

/** `base` + `path`, with exactly one slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
