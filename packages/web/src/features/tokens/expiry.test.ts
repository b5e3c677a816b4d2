import { describe, expect, it } from 'vitest';
import { checkCustomDate, customDateRange, presetExpiry } from './expiry';

const now = Date.parse('2025-03-10T12:00:00Z');

describe('token expiry', () => {
  it('a preset ends exactly that many days from now', () => {
    expect(presetExpiry(7, now)).toBe('2025-03-17T12:00:00.000Z');
    expect(presetExpiry(365, now)).toBe('2026-03-10T12:00:00.000Z');
  });

  it('a custom date runs from tomorrow to a year ahead', () => {
    expect(customDateRange(now)).toEqual({ min: '2025-03-11', max: '2026-03-10' });
    expect(checkCustomDate('2025-03-11', now)).toBeNull();
    expect(checkCustomDate('2025-03-10', now)).toMatch(/after today/);
    expect(checkCustomDate('2026-03-11', now)).toMatch(/at most one year/);
    expect(checkCustomDate('', now)).toMatch(/Choose a date/);
  });
});
