// Where a proxied request may go. The only destinations are the configured provider base URLs,
// so the path a caller sends is checked as raw text (before any decoding) and the URL built from
// it is checked again after WHATWG normalization: what we check is exactly what we send.

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Raw (still percent-encoded) path after /proxy/{provider}; the decoded form is at most 2000 characters. */
export const MAX_RAW_PATH = 6000;
export const MAX_RAW_QUERY = 4000;

// Upstream servers and the gateways in front of them may decode a path once or twice more
// before they normalize it, so every decoding layer is checked, up to a bound.
const MAX_DECODE_ROUNDS = 3;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const CONTROL = /[\x00-\x1f\x7f]/;

function decodeOnce(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** Why one raw path segment is refused, or null when it is safe at every decoding layer. */
function segmentProblem(segment: string): string | null {
  let current = segment;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (current.includes('\\')) return 'it contains a backslash';
    if (CONTROL.test(current)) return 'it contains a control character';
    // A decoded layer may carry '/' (an AWS ARN is sent as one %2F-encoded segment), but never
    // an empty or dot segment: '%2e%2e', '..%2f', '%2f%2fhost' and 'http:%2f%2fhost' end here.
    const parts = current.split('/');
    if (parts.length > 1 && parts.some((p) => p === '')) return 'it contains an encoded empty segment or URL';
    for (const part of parts) {
      // `..;x` is read as `..` by some servers (path parameters).
      const name = part.split(';')[0];
      if (name === '.' || name === '..') return 'it contains a dot segment (. or ..)';
    }
    const next = decodeOnce(current);
    if (next === null) return 'it has malformed percent-encoding';
    if (next === current) return null;
    current = next;
  }
  return 'it is percent-encoded too many times';
}

/**
 * Checks the raw path after /proxy/{provider} (it starts with '/') and the raw query (empty, or
 * starting with '?'), as the caller sent them.
 */
export function checkProxyPath(rest: string, query: string): Checked<{ rest: string; query: string }> {
  if (rest.length > MAX_RAW_PATH)
    return { ok: false, reason: `the path is longer than ${MAX_RAW_PATH} characters` };
  if (query.length > MAX_RAW_QUERY)
    return { ok: false, reason: `the query is longer than ${MAX_RAW_QUERY} characters` };
  if (!rest.startsWith('/')) return { ok: false, reason: 'the path must start with /' };
  if (!PRINTABLE_ASCII.test(rest) || !PRINTABLE_ASCII.test(query)) {
    return { ok: false, reason: 'the path and query must be percent-encoded ASCII' };
  }
  if (rest.includes('#') || query.includes('#')) return { ok: false, reason: 'the path must not contain #' };
  const segments = rest.slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    // A trailing slash is meaningful (D-Wave's `solvers/remote/`); an empty segment elsewhere
    // (`//host`, `http://host`) is how absolute URLs get smuggled in.
    if (segment === '' && index !== segments.length - 1)
      return { ok: false, reason: 'the path contains an empty segment (//)' };
    const problem = segmentProblem(segment);
    if (problem !== null)
      return { ok: false, reason: `the path segment '${segment.slice(0, 60)}' is refused: ${problem}` };
  }
  return { ok: true, value: { rest, query } };
}

/**
 * The upstream URL: the base URL + the rest of the path, except when the rest already starts
 * with the base URL's path (D-Wave's SAPI client is given `.../proxy/dwave/sapi/v2` as its
 * endpoint while the base is `https://.../sapi/v2`). The result must keep the base's origin and
 * stay under its path, unchanged by URL normalization.
 */
export function upstreamUrl(baseUrl: string, rest: string, query: string): Checked<URL> {
  const checked = checkProxyPath(rest, query);
  if (!checked.ok) return checked;
  const base = new URL(baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const underBase = basePath !== '' && (rest === basePath || rest.startsWith(`${basePath}/`));
  const path = underBase ? rest : `${basePath}${rest}`;
  let target: URL;
  try {
    target = new URL(`${base.origin}${path}${query}`);
  } catch {
    return { ok: false, reason: 'the path does not form a valid URL' };
  }
  if (target.origin !== base.origin) return { ok: false, reason: "the path leaves the provider's host" };
  // Normalization (e.g. '%2e' read as '.') or re-encoding would mean we checked something else.
  if (target.pathname !== path)
    return { ok: false, reason: 'the path is not in normalized, percent-encoded form' };
  if (!(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) {
    return { ok: false, reason: "the path leaves the provider's base path" };
  }
  return { ok: true, value: target };
}
