import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// An AWS Signature Version 4 verifier written from the specification ("Create a signed AWS
// API request", AWS IAM user guide) on node:crypto alone. The fakes use it instead of AWS's
// signer so that a test of the Braket adapter really checks the adapter's signatures.

export interface SigV4Expectation {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  now: Date;
  /** AWS refuses requests signed more than 15 minutes away from its clock. */
  maxSkewMs?: number;
}

export interface SignedRequestLike {
  method: string;
  /** The raw request target: path and query as sent. */
  path: string;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  body: string;
}

export type SigV4Failure =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'UnrecognizedClient'
  | 'SignatureExpired'
  | 'InvalidSignature'
  | 'PayloadHashMismatch';

export type SigV4Check = { ok: true } | { ok: false; failure: SigV4Failure; message: string };

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it: every byte but A-Z a-z 0-9 - _ . ~ as %XX, upper case. */
export function uriEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The canonical URI. Every service but S3 normalizes the path and encodes it once more (so an
 * encoded `%3A` in the request becomes `%253A`); S3 takes the path as sent.
 */
export function canonicalUri(rawPath: string, service: string): string {
  if (service === 's3') return rawPath === '' ? '/' : rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
      return [uriEncode(key), uriEncode(value)] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;._-]+), ?Signature=([0-9a-f]{64})$/;

function fail(failure: SigV4Failure, message: string): SigV4Check {
  return { ok: false, failure, message };
}

export function verifySigV4(request: SignedRequestLike, expected: SigV4Expectation): SigV4Check {
  const authorization = request.headers.authorization;
  if (authorization === undefined) return fail('MissingAuthenticationToken', 'Missing Authentication Token');
  const m = AUTH.exec(authorization);
  if (m === null)
    return fail(
      'IncompleteSignature',
      'Authorization header requires Credential, SignedHeaders and Signature.',
    );
  const [, accessKeyId = '', date = '', region = '', service = '', signedHeaderList = '', signature = ''] = m;

  if (accessKeyId !== expected.accessKeyId)
    return fail('UnrecognizedClient', 'The security token included in the request is invalid.');
  const amzDate = request.headers['x-amz-date'] ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(date)) {
    return fail('IncompleteSignature', 'X-Amz-Date must be present and match the credential scope date.');
  }
  if (region !== expected.region || service !== expected.service) {
    return fail(
      'InvalidSignature',
      `Credential should be scoped to a valid region ('${expected.region}') and service ('${expected.service}').`,
    );
  }
  const signedAt = Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
  if (Math.abs(signedAt - expected.now.getTime()) > (expected.maxSkewMs ?? 15 * 60_000)) {
    return fail('SignatureExpired', 'Signature expired: the request time is too far from the server time.');
  }

  const signed = signedHeaderList.split(';');
  const sorted = [...signed].sort();
  if (signed.join(';') !== sorted.join(';') || !signed.includes('host') || !signed.includes('x-amz-date')) {
    return fail('IncompleteSignature', 'SignedHeaders must be sorted and include host and x-amz-date.');
  }
  const token = request.headers['x-amz-security-token'];
  if (
    (expected.sessionToken ?? undefined) !== token ||
    (token !== undefined && !signed.includes('x-amz-security-token'))
  ) {
    return fail('UnrecognizedClient', 'The security token included in the request is invalid.');
  }

  const bodyHash = sha256Hex(request.body);
  let payloadHash = bodyHash;
  if (expected.service === 's3') {
    const claimed = request.headers['x-amz-content-sha256'];
    if (claimed === undefined)
      return fail('InvalidSignature', 'Missing required header for this request: x-amz-content-sha256');
    if (claimed !== 'UNSIGNED-PAYLOAD' && claimed !== bodyHash) {
      return fail(
        'PayloadHashMismatch',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    payloadHash = claimed;
  }

  const query = request.path.indexOf('?');
  const rawPath = query < 0 ? request.path : request.path.slice(0, query);
  const rawQuery = query < 0 ? '' : request.path.slice(query + 1);
  const canonicalHeaders = signed
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalUri(rawPath, expected.service),
    canonicalQuery(rawQuery),
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expectedSignature = hmac(signingKey(expected.secretAccessKey, date, region, service), stringToSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expectedSignature.length || !timingSafeEqual(given, expectedSignature)) {
    return fail(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { ok: true };
}
