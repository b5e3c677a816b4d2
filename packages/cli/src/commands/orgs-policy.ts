import type { Command } from '@commander-js/extra-typings';
import { InvalidArgumentError } from '@commander-js/extra-typings';
import { PermissionError, SCOPES, isScope } from '@qonduit/sdk';
import type { PolicyAffectedTokens, Scope, TokenPolicy, TokenPolicyChange } from '@qonduit/sdk';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { renderFields, renderTable } from '../format/table';
import { shortDate } from '../format/time';

/** Days, or 0 for "none" (commander keeps no null option value). */
function lifetime(value: string): number {
  if (value === 'none') return 0;
  const days = /^(\d{1,3})d?$/.exec(value);
  const n = days ? Number(days[1]) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 365) throw new InvalidArgumentError('expected a number of days from 1 to 365 (e.g. 90 or 90d), or "none"');
  return n;
}

function scopeList(value: string): Scope[] | 'all' {
  if (value === 'all') return 'all';
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !isScope(n));
  if (unknown.length > 0 || names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${SCOPES.join(', ')}, or "all"`);
  return [...new Set(names.filter(isScope))];
}

export function policyFields(p: TokenPolicy): string {
  return renderFields([
    ['max token lifetime', p.max_lifetime_days === null ? 'no limit' : `${p.max_lifetime_days} days`],
    ['scopes allowed', p.allowed_scopes === null ? 'all' : p.allowed_scopes.join(', ') || 'none'],
    ['restricted tokens only', p.require_restricted ? 'yes: only tokens that list this organization' : 'no'],
    ['personal access tokens', p.block_personal_access_tokens ? 'blocked: web sessions only' : 'allowed'],
    ['last changed', p.updated_at ? `${shortDate(p.updated_at)} by ${p.updated_by?.name ?? 'someone'}` : 'never'],
  ]);
}

export function affectedTable(affected: PolicyAffectedTokens): string {
  if (affected.items.length === 0) return 'The policy refuses no active token.\n';
  return renderTable<PolicyAffectedTokens['items'][number]>(
    [
      { header: 'Member', value: (i) => i.member.name, maxWidth: 24 },
      { header: 'Token', value: (i) => `${i.token.name} (${i.token.hint})`, maxWidth: 32 },
      { header: 'Effect', value: (i) => (i.findings.some((f) => f.effect === 'refused') ? 'refused' : 'limited') },
      { header: 'Why', value: (i) => i.findings.map((f) => f.message.replace(/^Organization '[^']*' /, '')).join('; '), maxWidth: 90 },
    ],
    affected.items,
  );
}

export function registerOrgsPolicy(orgs: Command, ctx: CommandContext): void {
  const policy = orgs.command('policy').description("An organization's token policy: what a personal access token must be to act for it");

  policy
    .command('show')
    .description('Show the token policy and the active tokens it refuses (owners: everyone\'s; others: your own)')
    .argument('[org]', 'organization slug, name or id (default: the current context)')
    .option('--json', 'print JSON')
    .action(async (orgArg, opts) => {
      const acting = await ctx.actingAccount(orgArg);
      if (!acting.id) throw usageError('name an organization: a token policy belongs to one', 'see `qonduit orgs list`');
      const client = ctx.client();
      const current = await client.orgs.tokenPolicy.get(acting.id);
      let affected: PolicyAffectedTokens;
      try {
        affected = await client.orgs.tokenPolicy.affectedTokens(acting.id);
      } catch (err) {
        if (!(err instanceof PermissionError)) throw err;
        affected = await client.orgs.tokenPolicy.affectedTokens(acting.id, { member: (await client.user.get()).id });
      }
      if (opts.json) return ctx.json({ policy: current, affected_tokens: affected });
      ctx.out(`Token policy of ${acting.name}\n${policyFields(current)}\n\nActive tokens it refuses or limits:\n${affectedTable(affected)}`);
    });

  policy
    .command('set')
    .description('Change rules of the token policy (owners); rules not given are kept. It applies at once, to existing tokens too')
    .argument('[org]', 'organization slug, name or id (default: the current context)')
    .option('--max-lifetime <days>', 'tokens living longer may not act for the organization: days (1-365), or "none"', lifetime)
    .option('--scopes <list>', `scopes a token may use for the organization: comma-separated ${SCOPES.join(', ')}, or "all"`, scopeList)
    .option('--require-restricted', 'only tokens restricted to chosen organizations that list this one may act for it')
    .option('--no-require-restricted', 'any token of a member may act for it')
    .option('--block-tokens', 'no personal access token may act for it (web sessions only)')
    .option('--no-block-tokens', 'personal access tokens may act for it')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples(
        'qonduit orgs policy set "Quantum Lab" --max-lifetime 90 --scopes read_api,quantum_tokens',
        'qonduit orgs policy set --require-restricted',
        'qonduit orgs policy set --block-tokens        # web sessions only',
        'qonduit orgs policy set --max-lifetime none --scopes all --no-require-restricted --no-block-tokens',
      ),
    )
    .action(async (orgArg, opts) => {
      const acting = await ctx.actingAccount(orgArg);
      if (!acting.id) throw usageError('name an organization: a token policy belongs to one', 'see `qonduit orgs list`');
      const change: TokenPolicyChange = {
        ...(opts.maxLifetime !== undefined ? { max_lifetime_days: opts.maxLifetime === 0 ? null : opts.maxLifetime } : {}),
        ...(opts.scopes !== undefined ? { allowed_scopes: opts.scopes === 'all' ? null : opts.scopes } : {}),
        ...(opts.requireRestricted !== undefined ? { require_restricted: opts.requireRestricted } : {}),
        ...(opts.blockTokens !== undefined ? { block_personal_access_tokens: opts.blockTokens } : {}),
      };
      if (Object.keys(change).length === 0) throw usageError('give at least one rule to change', 'see `qonduit orgs policy set --help`');
      const updated = await ctx.client().orgs.tokenPolicy.update(acting.id, change);
      if (opts.json) return ctx.json(updated);
      ctx.out(policyFields(updated));
      ctx.note(`✓ Token policy of ${acting.name} changed; it applies now, to existing tokens too (see \`qonduit orgs policy show\`)`);
    });
}
