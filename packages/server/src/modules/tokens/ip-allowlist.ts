import ipaddr from 'ipaddr.js';

/** How many entries one token's allowlist may hold (GitLab allows a handful; CI runners need a few). */
export const MAX_ALLOWED_IPS = 20;
/** The longest CIDR text accepted (a full IPv6 address with a zone id and a prefix fits). */
export const MAX_CIDR_LENGTH = 64;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const PREFIX = /^\d{1,3}$/;

/**
 * One allowlist entry, in its canonical form (`203.0.113.0/24`, `2001:db8::/32`), or null when it
 * is not one. A plain address is a range of one (/32 or /128). Host bits are cleared, so
 * `10.1.2.3/8` is `10.0.0.0/8`. IPv4 is accepted only in four-part decimal (not `10.1` or
 * `0x0a.0.0.1`, which ipaddr.js would also read), and an IPv4-mapped IPv6 range is kept as the
 * IPv4 range it means, so it matches clients however their address is written.
 */
export function canonicalCidr(raw: string): string | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_CIDR_LENGTH || text.includes('%')) return null;
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  if (prefixText !== null && !PREFIX.test(prefixText)) return null;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) parsed = ipaddr.IPv4.parse(address);
  else if (ipaddr.IPv6.isValid(address) && address.includes(':')) parsed = ipaddr.IPv6.parse(address);
  else return null;
  const max = parsed.kind() === 'ipv4' ? 32 : 128;
  let bits = prefixText === null ? max : Number(prefixText);
  if (bits > max) return null;
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() && bits >= 96) {
    parsed = parsed.toIPv4Address();
    bits -= 96;
  }
  const network = parsed.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${parsed.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/${bits}`);
  return `${network.kind() === 'ipv6' ? (network as ipaddr.IPv6).toRFC5952String() : network.toString()}/${bits}`;
}

/** The canonical, de-duplicated entries, or the first entry that is not a CIDR. */
export function normalizeAllowlist(entries: readonly string[]): { ok: true; cidrs: string[] } | { ok: false; invalid: string } {
  const cidrs: string[] = [];
  for (const entry of entries) {
    const cidr = canonicalCidr(entry);
    if (cidr === null) return { ok: false, invalid: entry };
    if (!cidrs.includes(cidr)) cidrs.push(cidr);
  }
  return { ok: true, cidrs };
}

export type IpMatcher = (ip: string) => boolean;

/**
 * A matcher for a stored allowlist (space-separated canonical CIDRs), made once per verified
 * token and cached with it: a request costs one parse of its address and a few prefix compares.
 * A client address that cannot be parsed matches nothing.
 */
export function compileAllowlist(stored: string): IpMatcher {
  const ranges: Range[] = stored
    .split(' ')
    .filter((s) => s !== '')
    .map((s) => ipaddr.parseCIDR(s));
  return (ip) => {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // process(): an IPv4-mapped IPv6 address (::ffff:192.0.2.1, how a dual-stack socket
      // reports an IPv4 client) becomes the IPv4 address it is.
      address = ipaddr.process(ip);
    } catch {
      return false;
    }
    return ranges.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
  };
}
