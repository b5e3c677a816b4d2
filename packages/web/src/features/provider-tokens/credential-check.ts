import type { Provider } from '@qonduit/sdk';

type Field = Provider['fields'][number];

/**
 * The catalog's own format check, run before sending so that a typo is pointed at at once;
 * the server checks again and its answer wins.
 */
export function checkCredential(fields: readonly Field[], values: Readonly<Record<string, string>>): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name] ?? '';
    if (value === '') {
      if (field.required) problems[field.name] = `Enter the ${field.label}.`;
      continue;
    }
    if (value.length > field.max_length) problems[field.name] = `At most ${field.max_length} characters.`;
    else if (!matches(field.pattern, value)) problems[field.name] = `This does not look like ${article(field.label)} ${field.label}: check that it was copied whole.`;
  }
  return problems;
}

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    // A pattern this browser cannot read is left to the server.
    return true;
  }
}

function article(label: string): string {
  return /^[aeiou]/i.test(label) ? 'an' : 'a';
}

/** Only the fields that were filled in: optional empty fields are left out, not sent empty. */
export function filledCredential(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}
