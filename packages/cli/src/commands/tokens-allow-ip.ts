import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { usageError } from '../errors';
import { tokenFields } from '../format/tokens';
import { findToken } from '../token-reference';
import { collect } from './tokens-create';

export function registerTokensAllowIp(tokens: Command, ctx: CommandContext): void {
  tokens
    .command('allow-ip')
    .description("Set the addresses a token may be used from (its IP allowlist), or lift it with --anywhere")
    .argument('<token>', 'the token: its name, its id or short id, or "self"')
    .option('--allow-ip <cidr>', 'an address or CIDR range (IPv4 or IPv6) the token may be used from; repeat for several', collect)
    .option('--anywhere', 'remove the allowlist: the token may be used from any address')
    .option('--json', 'print the token as JSON')
    .addHelpText(
      'after',
      examples('qonduit tokens allow-ip ci --allow-ip 203.0.113.0/24 --allow-ip 2001:db8::/32', 'qonduit tokens allow-ip ci --anywhere') +
        '\nThe address is the client address as the server sees it (behind a proxy: only as good as QONDUIT_TRUST_PROXY).',
    )
    .action(async (reference, opts) => {
      if (opts.anywhere && opts.allowIp?.length) throw usageError('give --allow-ip or --anywhere, not both');
      if (!opts.anywhere && !opts.allowIp?.length) throw usageError('give at least one --allow-ip <cidr>, or --anywhere');
      const client = ctx.client();
      const id = reference === 'self' ? (await client.tokens.self()).id : (await findToken(ctx, reference)).id;
      const updated = await client.tokens.update(id, { allowed_ips: opts.anywhere ? null : (opts.allowIp ?? []) });
      if (opts.json) return ctx.json(updated);
      ctx.out(tokenFields(updated, ctx.now()));
      ctx.note(updated.allowed_ips === null ? `✓ Token "${updated.name}" may be used from anywhere` : `✓ Token "${updated.name}" may be used only from ${updated.allowed_ips.join(', ')}`);
    });
}
