import { hash, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  // The one-shot form (Node ≥ 20.12) skips the Hash object: this runs on every request.
  return hash('sha256', value, 'hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
