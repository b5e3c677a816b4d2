// Dates for people: "in 29 days", "3 hours ago"; durations from flags: "30d", "12h", "2w".

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

/** Milliseconds for `30d`, `12h`, `2w`, `1y`, `90m`; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*([mhdwy])$/i.exec(text.trim());
  if (!match) return null;
  const [, amount = '0', unit = 'd'] = match;
  const ms = Number(amount) * (UNITS[unit.toLowerCase()] ?? 0);
  return ms > 0 ? ms : null;
}

const STEPS: ReadonlyArray<readonly [number, string]> = [
  [365 * 86_400_000, 'year'],
  [30 * 86_400_000, 'month'],
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
];

export function relativeTime(iso: string | null, now: Date): string {
  if (iso === null) return 'never';
  const diff = Date.parse(iso) - now.getTime();
  if (Number.isNaN(diff)) return iso;
  const abs = Math.abs(diff);
  if (abs < 60_000) return diff >= 0 ? 'in less than a minute' : 'just now';
  for (const [size, name] of STEPS) {
    // Token lifetimes are set in days (30d, 90d): say "in 59 days" rather than "in 1 month".
    if (name === 'month' && abs < 90 * 86_400_000) continue;
    if (abs >= size) {
      // Rounded, as the web UI does: a 30-day token made a moment ago expires "in 30 days".
      const n = Math.round(abs / size);
      const phrase = `${n} ${name}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `in ${phrase}` : `${phrase} ago`;
    }
  }
  return iso;
}

/** `2026-12-28 14:00 UTC`: a fixed, unambiguous form for tables. */
export function shortDate(iso: string | null): string {
  if (iso === null) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `1m 05s`, `42s`: how long a wait has taken. */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}
