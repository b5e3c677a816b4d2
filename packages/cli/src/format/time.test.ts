import { describe, expect, it } from 'vitest';
import { elapsed, parseDuration, relativeTime, shortDate } from './time';

const NOW = new Date('2026-11-28T12:00:00Z');

describe('durations and dates', () => {
  it('reads 30d, 12h, 2w, 1y and 90m, and nothing else', () => {
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2W')).toBe(14 * 86_400_000);
    expect(parseDuration('1y')).toBe(365 * 86_400_000);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    for (const bad of ['30', 'd', '0d', '-1d', '1.5d', 'soon']) expect(parseDuration(bad)).toBeNull();
  });

  it('says how far a date is, in days up to three months', () => {
    expect(relativeTime('2027-01-27T12:00:00Z', NOW)).toBe('in 60 days');
    // A 30-day token listed a moment after it was made: 30 days, as the web UI says too.
    expect(relativeTime('2026-12-28T11:59:58Z', NOW)).toBe('in 30 days');
    expect(relativeTime('2027-06-01T12:00:00Z', NOW)).toBe('in 6 months');
    expect(relativeTime('2026-11-28T09:00:00Z', NOW)).toBe('3 hours ago');
    expect(relativeTime('2026-11-28T11:59:30Z', NOW)).toBe('just now');
    expect(relativeTime('2028-12-01T12:00:00Z', NOW)).toBe('in 2 years');
    expect(relativeTime(null, NOW)).toBe('never');
  });

  it('prints dates in one fixed UTC form, and elapsed times in seconds and minutes', () => {
    expect(shortDate('2026-11-28T12:34:56.789Z')).toBe('2026-11-28 12:34 UTC');
    expect(shortDate(null)).toBe('-');
    expect(elapsed(42_000)).toBe('42s');
    expect(elapsed(65_000)).toBe('1m 05s');
  });
});
