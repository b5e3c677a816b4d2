import { describe, expect, it } from 'vitest';
import { canonicalCidr, compileAllowlist, normalizeAllowlist } from './ip-allowlist';

describe('an IP allowlist entry', () => {
  it.each([
    ['203.0.113.0/24', '203.0.113.0/24'],
    ['203.0.113.77/24', '203.0.113.0/24'],
    ['198.51.100.7', '198.51.100.7/32'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8:0:0::/32', '2001:db8::/32'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['::ffff:192.0.2.0/120', '192.0.2.0/24'],
    ['::ffff:192.0.2.1', '192.0.2.1/32'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
  ])('%s is kept as %s', (raw, canonical) => {
    expect(canonicalCidr(raw)).toBe(canonical);
  });

  it.each(['10.1', '0x0a.0.0.1', '010.0.0.1/8x', '1.2.3.4/33', '2001:db8::/129', '1.2.3.4/', 'fe80::1%eth0', 'example.com', '', '1.2.3.4/-1', `${'1'.repeat(70)}`])(
    'refuses %j',
    (raw) => {
      expect(canonicalCidr(raw)).toBeNull();
    },
  );

  it('de-duplicates entries that mean the same range, and names the first bad one', () => {
    expect(normalizeAllowlist(['10.0.0.1/8', '10.0.0.0/8', '::ffff:10.0.0.0/104'])).toEqual({ ok: true, cidrs: ['10.0.0.0/8'] });
    expect(normalizeAllowlist(['10.0.0.0/8', 'nope', 'also bad'])).toEqual({ ok: false, invalid: 'nope' });
  });
});

describe('matching a client address against an allowlist', () => {
  const allows = compileAllowlist(['192.0.2.0/24', '2001:db8:abcd::/48', '198.51.100.7/32'].join(' '));

  it.each([
    ['192.0.2.0', true, 'the first IPv4 address of the range'],
    ['192.0.2.255', true, 'the last IPv4 address of the range'],
    ['192.0.1.255', false, 'one below the IPv4 range'],
    ['192.0.3.0', false, 'one above the IPv4 range'],
    ['198.51.100.7', true, 'a single allowed IPv4 address'],
    ['198.51.100.8', false, 'the address after a single allowed one'],
    ['2001:db8:abcd::', true, 'the first IPv6 address of the range'],
    ['2001:db8:abcd:ffff:ffff:ffff:ffff:ffff', true, 'the last IPv6 address of the range'],
    ['2001:db8:abcc:ffff:ffff:ffff:ffff:ffff', false, 'one below the IPv6 range'],
    ['2001:db8:abce::', false, 'one above the IPv6 range'],
    ['::ffff:192.0.2.1', true, 'an IPv4-mapped IPv6 address inside the IPv4 range (a dual-stack socket)'],
    ['::ffff:192.0.3.1', false, 'an IPv4-mapped IPv6 address outside it'],
    ['::ffff:c000:0201', true, 'the same mapped address in hex'],
    ['not an address', false, 'something that is no address'],
    ['', false, 'an empty address'],
  ])('%s: %s (%s)', (ip, expected) => {
    expect(allows(ip)).toBe(expected);
  });

  it('keeps IPv4 and IPv6 apart: ::/0 does not admit IPv4 clients, 0.0.0.0/0 no IPv6 ones', () => {
    expect(compileAllowlist('::/0')('192.0.2.1')).toBe(false);
    expect(compileAllowlist('0.0.0.0/0')('2001:db8::1')).toBe(false);
    expect(compileAllowlist('0.0.0.0/0')('::ffff:192.0.2.1')).toBe(true);
  });
});
