import { InvalidArgumentError } from '@commander-js/extra-typings';

/** An "Examples:" block for `--help`, as gh prints it. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return Number(value);
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const ORG_OPTION_HELP = 'act for this organization (slug, name or id), or "personal", instead of the current context';
