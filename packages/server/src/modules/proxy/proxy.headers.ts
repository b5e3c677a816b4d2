import type { IncomingHttpHeaders } from 'node:http';

// Which headers cross the proxy. Requests lose everything that authenticates the caller to
// Qonduit (the PAT, the session cookie, the CSRF token), that describes the connection to
// Qonduit rather than the request, or that the provider's signer owns; responses lose what
// would act on Qonduit's own origin (cookies, HSTS, CORS, Alt-Svc).

const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
]);

const NOT_FORWARDED: ReadonlySet<string> = new Set([
  'host',
  'authorization',
  'x-auth-token',
  'cookie',
  'x-csrf-token',
  'x-organizationid',
  // fetch sets the length of the body it sends.
  'content-length',
  // undici refuses it; bodies are sent whole anyway.
  'expect',
  // Replaced by identity, so that what the provider sends is what the client receives.
  'accept-encoding',
  'forwarded',
  'via',
  'x-real-ip',
  // The request is Qonduit's, not the browser's: a provider may refuse foreign origins.
  'origin',
  'referer',
  // AWS's signer writes these; a caller's own would contradict the signature.
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
]);

const NOT_RETURNED: ReadonlySet<string> = new Set([
  'set-cookie',
  'set-cookie2',
  'strict-transport-security',
  'alt-svc',
  'public-key-pins',
  'clear-site-data',
  'content-security-policy',
  'content-security-policy-report-only',
]);

/** Header names a Connection header lists are hop-by-hop too (RFC 9110, 7.6.1). */
function connectionTokens(value: string | null | undefined): Set<string> {
  return new Set(
    (value ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
  );
}

export function forwardedRequestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const connection = headers.connection;
  const listed = connectionTokens(Array.isArray(connection) ? connection.join(',') : connection);
  const out: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_FORWARDED.has(name) || listed.has(name)) continue;
    if (name.startsWith('x-forwarded-') || name.startsWith('proxy-')) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  out['accept-encoding'] = 'identity';
  return out;
}

// undici's fetch decodes these codings itself, and then the body no longer matches the
// provider's Content-Encoding and Content-Length (undici's fetch, "HTTP-network fetch").
const DECODED_CODINGS: ReadonlySet<string> = new Set(['gzip', 'x-gzip', 'deflate', 'br']);
const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 204, 205, 304]);

function fetchDecoded(method: string, status: number, contentEncoding: string | null): boolean {
  if (contentEncoding === null || method === 'HEAD' || NULL_BODY_STATUS.has(status)) return false;
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  return codings.length > 0 && codings.every((c) => DECODED_CODINGS.has(c));
}

export function returnedResponseHeaders(
  method: string,
  status: number,
  headers: Headers,
): Record<string, string> {
  const listed = connectionTokens(headers.get('connection'));
  const decoded = fetchDecoded(method, status, headers.get('content-encoding'));
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (HOP_BY_HOP.has(name) || NOT_RETURNED.has(name) || listed.has(name)) continue;
    if (name.startsWith('access-control-') || name.startsWith('proxy-')) continue;
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    out[name] = value;
  }
  // A provider's answer is served from Qonduit's origin, where session cookies live: a browser
  // must never run it as a page or guess it into one.
  out['x-content-type-options'] = 'nosniff';
  out['content-security-policy'] = "default-src 'none'; sandbox";
  return out;
}
