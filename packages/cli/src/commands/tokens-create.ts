import type { Command } from '@commander-js/extra-typings';
import { SCOPES, isScope } from '@qonduit/sdk';
import type { NewToken, Scope } from '@qonduit/sdk';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { parseDuration, relativeTime } from '../format/time';

export function parseScopes(text: string): Scope[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const scopes = names.filter(isScope);
  const unknown = names.filter((n) => !isScope(n));
  if (scopes.length === 0 || unknown.length > 0) {
    throw usageError(`unknown scope ${unknown.join(', ') || '(none given)'}`, `scopes are ${SCOPES.join(', ')}`);
  }
  return [...new Set<Scope>(scopes)];
}

/** `--expires-at` as given (the server checks it), or now + `--expires-in`. */
export function expiryFrom(opts: { expiresIn?: string | undefined; expiresAt?: string | undefined }, now: Date): string | undefined {
  if (opts.expiresAt && opts.expiresIn) throw usageError('give --expires-in or --expires-at, not both');
  if (opts.expiresAt) return opts.expiresAt;
  return opts.expiresIn ? expiryIn(opts.expiresIn, now) : undefined;
}

export function expiryIn(duration: string, now: Date): string {
  const ms = parseDuration(duration);
  if (ms === null) throw usageError(`--expires-in ${duration} is not a duration`, 'use a number and a unit: 30d, 12h, 2w, 1y');
  return new Date(now.getTime() + ms).toISOString();
}

/** The secret alone on stdout (so that it can be piped into a secret store), the rest on stderr. */
export function printNewToken(ctx: CommandContext, token: NewToken, verb: string, json: boolean | undefined): void {
  if (json) {
    ctx.json(token);
  } else {
    ctx.out(token.token);
  }
  ctx.note(`✓ ${verb} token "${token.name}" (${token.scopes.join(', ')}), expires ${relativeTime(token.expires_at, ctx.now())}`);
  ctx.note('  This is the only time the token is shown: store it now.');
}

/** A repeatable option's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The organization restriction of a new token: `--org` (by id, slug or name, repeatable) or `--personal-only`. */
export async function restrictionFrom(ctx: CommandContext, opts: { org?: string[] | undefined; personalOnly?: boolean | undefined }): Promise<{ organization_ids?: string[]; personal_only?: boolean }> {
  if (opts.personalOnly && opts.org?.length) throw usageError('give --org or --personal-only, not both');
  if (opts.personalOnly) return { personal_only: true };
  if (!opts.org?.length) return {};
  const ids: string[] = [];
  for (const reference of opts.org) ids.push((await ctx.findOrganization(reference)).id);
  return { organization_ids: [...new Set(ids)] };
}

export function registerTokensCreate(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('create')
    .description('Create a personal access token; its secret is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, 'api')
    .option('--expires-in <duration>', 'lifetime such as 30d, 12h, 2w (at most 365 days)', '30d')
    .option('--expires-at <date>', 'expiry date (YYYY-MM-DD) or date-time, instead of --expires-in')
    .option('--org <org>', 'the token may act only for this organization (id, slug or name); repeat for several', collect)
    .option('--personal-only', 'the token may act only for your personal account, for no organization')
    .option('--allow-ip <cidr>', 'the token may be used only from this address or CIDR range (IPv4 or IPv6); repeat for several', collect)
    .option('--json', 'print the token and its details as JSON')
    .addHelpText(
      'after',
      examples(
        'qonduit tokens create --name laptop',
        'qonduit tokens create --name ci --scopes api,quantum_tokens --expires-in 90d',
        'qonduit tokens create --name ci --scopes read_api --expires-at 2027-06-30 > ci-token.txt',
        'qonduit tokens create --name lab-ci --org "Quantum Lab" --allow-ip 203.0.113.0/24 --allow-ip 2001:db8::/32',
        'qonduit tokens create --name notebook --personal-only',
      ),
    )
    .action(async (opts) => {
      const scopes = parseScopes(opts.scopes);
      // An explicit --expires-at replaces the default --expires-in.
      const expires = opts.expiresAt ?? expiryIn(opts.expiresIn, ctx.now());
      const restriction = await restrictionFrom(ctx, opts);
      const created = await ctx.client().tokens.create({
        name: opts.name,
        scopes,
        expires_at: expires,
        ...restriction,
        ...(opts.allowIp?.length ? { allowed_ips: opts.allowIp } : {}),
      });
      printNewToken(ctx, created, 'Created', opts.json);
    });
}
