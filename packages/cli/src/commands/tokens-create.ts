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

export function registerTokensCreate(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('create')
    .description('Create a personal access token; its secret is printed once')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, 'api')
    .option('--expires-in <duration>', 'lifetime such as 30d, 12h, 2w (at most 365 days)', '30d')
    .option('--expires-at <date>', 'expiry date (YYYY-MM-DD) or date-time, instead of --expires-in')
    .option('--json', 'print the token and its details as JSON')
    .addHelpText(
      'after',
      examples(
        'qonduit tokens create --name laptop',
        'qonduit tokens create --name ci --scopes api,quantum_tokens --expires-in 90d',
        'qonduit tokens create --name ci --scopes read_api --expires-at 2027-06-30 > ci-token.txt',
      ),
    )
    .action(async (opts) => {
      const scopes = parseScopes(opts.scopes);
      // An explicit --expires-at replaces the default --expires-in.
      const expires = opts.expiresAt ?? expiryIn(opts.expiresIn, ctx.now());
      const created = await ctx.client().tokens.create({ name: opts.name, scopes, expires_at: expires });
      printNewToken(ctx, created, 'Created', opts.json);
    });
}
