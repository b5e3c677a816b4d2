import type { Provider } from '@qonduit/sdk';
import { usageError } from './errors';

// Where a provider token's fields come from. Secrets never come from an argument (it would land
// in shell history and in `ps`): only from a prompt, standard input, or a named environment
// variable. Non-secret fields (a region, a CRN) may be given as --field name=value.

export type CredentialField = Provider['fields'][number];

export interface ArgumentSources {
  /** `--field name=value`, for non-secret fields only. */
  assignments: readonly string[];
  /** `--from-env name=VAR`, or `--from-env VAR` when the provider has one secret field. */
  fromEnv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

function fieldNamed(provider: Provider, name: string): CredentialField {
  const field = provider.fields.find((f) => f.name === name);
  if (!field) throw usageError(`${provider.display_name} has no field "${name}"`, `its fields are ${provider.fields.map((f) => f.name).join(', ')}`);
  return field;
}

export function credentialsFromArguments(provider: Provider, sources: ArgumentSources): Record<string, string> {
  const values: Record<string, string> = {};
  for (const assignment of sources.assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw usageError(`--field ${assignment.split('=')[0] ?? ''} needs the form name=value`);
    const field = fieldNamed(provider, assignment.slice(0, eq));
    if (field.secret) {
      throw usageError(
        `${field.name} is secret: it is never taken from an argument`,
        `enter it at the prompt, pipe it on standard input, or name a variable with --from-env ${field.name}=VAR`,
      );
    }
    values[field.name] = assignment.slice(eq + 1);
  }
  const secrets = provider.fields.filter((f) => f.secret);
  for (const mapping of sources.fromEnv) {
    const eq = mapping.indexOf('=');
    let field: CredentialField;
    let variable: string;
    if (eq > 0) {
      field = fieldNamed(provider, mapping.slice(0, eq));
      variable = mapping.slice(eq + 1);
    } else {
      const [only, ...others] = secrets;
      if (!only || others.length > 0) {
        throw usageError(`--from-env ${mapping}: ${provider.display_name} has several secret fields`, `name the field: --from-env ${secrets[0]?.name ?? 'field'}=${mapping}`);
      }
      field = only;
      variable = mapping;
    }
    const value = sources.env[variable];
    if (value === undefined || value === '') throw usageError(`the environment variable ${variable} (for ${field.name}) is not set`);
    values[field.name] = value;
  }
  return values;
}

/** Required fields still without a value. */
export function missingFields(provider: Provider, values: Readonly<Record<string, string>>): CredentialField[] {
  return provider.fields.filter((f) => f.required && values[f.name] === undefined);
}

/**
 * Fields from standard input: a JSON object, `name=value` lines, or — when exactly one
 * required field is missing — the bare value.
 */
export function credentialsFromStdin(provider: Provider, text: string, missing: readonly CredentialField[]): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      throw usageError('standard input starts with "{" but is not valid JSON');
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw usageError('standard input must be a JSON object of field names and values');
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(data)) {
      if (typeof value !== 'string') throw usageError(`${name} in standard input must be a string`);
      values[fieldNamed(provider, name).name] = value;
    }
    return values;
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  const names = new Set(provider.fields.map((f) => f.name));
  const pairs = lines.map((l) => {
    const eq = l.indexOf('=');
    return eq > 0 ? ([l.slice(0, eq).trim(), l.slice(eq + 1).trim()] as const) : null;
  });
  if (pairs.every((p) => p !== null && names.has(p[0]))) {
    return Object.fromEntries(pairs.filter((p) => p !== null));
  }
  const [only, ...others] = missing;
  if (only && others.length === 0 && lines.length === 1) return { [only.name]: trimmed };
  throw usageError(
    `cannot tell which fields standard input holds`,
    `send name=value lines or a JSON object with ${provider.fields.map((f) => f.name).join(', ')}`,
  );
}
