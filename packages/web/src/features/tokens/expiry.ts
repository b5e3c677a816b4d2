// Token lifetimes the form offers (as GitLab does), and the date the server is sent. The API
// takes at most 365 days.

export const MAX_DAYS = 365;
export const EXPIRY_PRESETS: ReadonlyArray<{ days: number; label: string }> = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 60, label: '60 days' },
  { days: 90, label: '90 days' },
  { days: MAX_DAYS, label: '1 year' },
];
export const DEFAULT_PRESET_DAYS = 30;

const DAY_MS = 86_400_000;

/** YYYY-MM-DD in UTC, the form the API reads as "00:00 UTC that day". */
export function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The exact moment a preset ends: now plus that many days. */
export function presetExpiry(days: number, now: number): string {
  return new Date(now + days * DAY_MS).toISOString();
}

/** The range a custom date may take: tomorrow to a year from now (UTC days). */
export function customDateRange(now: number): { min: string; max: string } {
  return { min: isoDay(now + DAY_MS), max: isoDay(now + MAX_DAYS * DAY_MS) };
}

/** Why a custom date cannot be used, or null when it can. */
export function checkCustomDate(day: string, now: number): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return 'Choose a date.';
  const { min, max } = customDateRange(now);
  if (day < min) return 'Choose a date after today.';
  if (day > max) return 'A token can live at most one year.';
  return null;
}
