import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { credentialField } from '../http';
import type { Credential } from '../types';

// AWS Signature Version 4 through AWS's own signer. Braket wants the path URI-encoded twice in
// the canonical request (the default); S3 wants it once.

const PROVIDER = 'AWS';

export interface SignableRequest {
  method: string;
  url: string;
  /** Only these headers (and host) are signed, so a proxy may add others without breaking the signature. */
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

export function awsSecrets(credential: Credential): string[] {
  return [credential.secret_access_key ?? '', credential.session_token ?? ''].filter((s) => s !== '');
}

/** The headers to send with the request: the given ones plus x-amz-date, the payload hash and Authorization. */
export async function signedHeaders(
  request: SignableRequest,
  service: 'braket' | 's3',
  credential: Credential,
  now: Date,
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const sessionToken = credential.session_token;
  const signer = new SignatureV4({
    service,
    region: credentialField(credential, 'region', PROVIDER),
    credentials: {
      accessKeyId: credentialField(credential, 'access_key_id', PROVIDER),
      secretAccessKey: credentialField(credential, 'secret_access_key', PROVIDER),
      ...(sessionToken === undefined || sessionToken === '' ? {} : { sessionToken }),
    },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: service !== 's3',
  });
  const query: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) (query[key] ??= []).push(value);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;

  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: url.pathname,
      query,
      headers,
      body: request.body,
    },
    { signingDate: now },
  );
  // fetch sets Host itself, from the same URL.
  const { host: _host, ...out } = signed.headers;
  return out;
}
