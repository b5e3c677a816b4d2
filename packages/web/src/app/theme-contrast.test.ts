import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Both themes' colours live as variables in styles.css. This reads them from the file itself
// and checks that every text colour reaches WCAG AA (4.5:1) on each surface it is drawn on,
// so a palette change that makes some text unreadable fails here, before any screenshot.

const css = readFileSync(path.join(import.meta.dirname, 'styles.css'), 'utf8');

function variables(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of block.matchAll(/--([\w-]+):\s*([^;]+);/g)) {
    const [, name, value] = match;
    if (name && value) out[name] = value.trim();
  }
  return out;
}

function blockAfter(marker: string): string {
  const start = css.indexOf(marker);
  if (start < 0) throw new Error(`styles.css has no ${marker}`);
  const open = css.indexOf('{', start + marker.length - 1);
  let depth = 0;
  for (let i = open; i < css.length; i += 1) {
    if (css[i] === '{') depth += 1;
    if (css[i] === '}') depth -= 1;
    if (depth === 0) return css.slice(open + 1, i);
  }
  throw new Error(`unbalanced braces after ${marker}`);
}

const light = variables(blockAfter(':root {'));
const dark = { ...light, ...variables(blockAfter('@media (prefers-color-scheme: dark) {')) };

function luminance(hex: string): number {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!match?.[1]) throw new Error(`not a #rrggbb colour: ${hex}`);
  const value = parseInt(match[1], 16);
  const channel = (shift: number) => {
    const c = ((value >> shift) & 0xff) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [text, background] as the stylesheet's rules pair them.
const TEXT_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['primary', 'surface'],
  ['primary', 'bg'],
  ['primary', 'primary-soft'],
  ['primary-hover', 'primary-soft'],
  ['text', 'primary-soft'],
  ['on-solid', 'primary-solid'],
  ['on-solid', 'primary-solid-hover'],
  ['on-solid', 'danger-solid'],
  ['on-solid', 'danger-solid-hover'],
  ['danger', 'surface'],
  ['danger', 'danger-soft'],
  ['warning', 'surface'],
  ['warning', 'warning-soft'],
  ['success', 'success-soft'],
  ['text', 'success-soft'],
  ['info', 'info-soft'],
  ['info-text', 'info-soft'],
  ['neutral-text', 'neutral-soft'],
];

describe.each([
  ['light', light],
  ['dark', dark],
] as const)('the %s theme', (_name, theme) => {
  const color = (name: string) => {
    const value = theme[name];
    if (!value) throw new Error(`--${name} is not defined`);
    return value;
  };

  it.each(TEXT_PAIRS)('--%s on --%s reaches 4.5:1', (text, background) => {
    expect(contrast(color(text), color(background))).toBeGreaterThanOrEqual(4.5);
  });

  it('shows the focus ring at 3:1 against the page and the cards', () => {
    expect(contrast(color('focus'), color('bg'))).toBeGreaterThanOrEqual(3);
    expect(contrast(color('focus'), color('surface'))).toBeGreaterThanOrEqual(3);
  });
});

it('the dark theme redefines every colour the light one defines', () => {
  const darkOwn = variables(blockAfter('@media (prefers-color-scheme: dark) {'));
  const notColours = new Set(['radius', 'font', 'mono']);
  const colours = Object.keys(light).filter((name) => !notColours.has(name));
  expect(colours.filter((name) => !(name in darkOwn))).toEqual([]);
});
