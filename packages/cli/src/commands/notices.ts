import type { Command } from '@commander-js/extra-typings';
import type { Notice, Token } from '@qonduit/sdk';
import { ORG_OPTION_HELP, examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { renderTable } from '../format/table';
import { relativeTime } from '../format/time';

// `qonduit notices`: notices about expiring, unused and failing tokens (and how each was
// delivered), the webhook that receives them, and the calendar feed of token expiries.

function deliveryState(n: Notice): string {
  if (n.deliveries.length === 0) return 'shown here';
  return n.deliveries
    .map((d) => (d.status === 'sent' ? `${d.channel} sent` : d.status === 'failed' ? `${d.channel} FAILED: ${d.last_error ?? ''}` : `${d.channel} pending${d.last_error ? ` (retrying: ${d.last_error})` : ''}`))
    .join('; ');
}

export function noticesTable(notices: readonly Notice[], now: Date): string {
  return renderTable<Notice>(
    [
      { header: 'When', value: (n) => relativeTime(n.created_at, now) },
      { header: 'Notice', value: (n) => n.title, maxWidth: 80 },
      { header: 'Delivery', value: deliveryState, maxWidth: 60 },
    ],
    notices,
  );
}

/**
 * The lines `tokens list` prints under its table: one per live token that has a notice (the
 * newest for each), so that expiring and soon-retired tokens stand out without SMTP or webhooks.
 */
export function tokenNoticeLines(tokens: readonly Token[], notices: readonly Notice[]): string[] {
  const live = new Set(tokens.filter((t) => t.state === 'active').map((t) => t.id));
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const n of notices) {
    if (n.token_type !== 'personal_access_token' || !live.has(n.token_id) || seen.has(n.token_id)) continue;
    seen.add(n.token_id);
    lines.push(`! ${n.title}`);
  }
  return lines;
}

export function registerNotices(notices: Command, ctx: CommandContext): void {
  notices
    .command('list')
    .alias('ls')
    .description('Notices about your (or an organization’s) tokens, newest first, and whether each was delivered')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit notices list', 'qonduit notices list --org "Grace Labs" --json'))
    .action(async (opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      const page = account.id ? await client.notices.listForOrg(account.id, { limit: 100 }) : await client.notices.list({ limit: 100 });
      if (opts.json) return ctx.json(page.items);
      if (page.items.length === 0) return ctx.note(`No notices for ${account.name}.`);
      ctx.out(noticesTable(page.items, ctx.now()));
    });

  const webhook = notices.command('webhook').description('The HTTPS webhook that receives each notice, signed (X-Qonduit-Signature)');
  webhook
    .command('set')
    .argument('<url>', 'an https URL')
    .description('Set the webhook; prints its signing secret once')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit notices webhook set https://hooks.example.com/qonduit'))
    .action(async (url, opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      const set = account.id ? await client.notices.orgWebhook(account.id).set(url) : await client.notices.webhook.set(url);
      if (opts.json) return ctx.json(set);
      ctx.out(set.secret);
      ctx.note(`Notices for ${account.name} go to ${set.url}. The signing secret above is shown only now: X-Qonduit-Signature is t=<unix>,v1=hex(HMAC-SHA256(secret, "<unix>.<body>")).`);
    });
  webhook
    .command('show')
    .description('Show the webhook (its secret is never shown again)')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      const hook = account.id ? await client.notices.orgWebhook(account.id).get() : await client.notices.webhook.get();
      if (opts.json) return ctx.json(hook);
      ctx.out(`${hook.url}  (secret ${hook.secret_hint}, set ${relativeTime(hook.created_at, ctx.now())})`);
    });
  webhook
    .command('remove')
    .description('Remove the webhook')
    .option('--org <org>', ORG_OPTION_HELP)
    .action(async (opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      if (account.id) await client.notices.orgWebhook(account.id).remove();
      else await client.notices.webhook.remove();
      ctx.note(`Removed the notice webhook of ${account.name}.`);
    });

  const calendar = notices.command('calendar').description('An iCalendar feed of your token expiries, to subscribe to in a calendar application');
  calendar
    .command('reset')
    .alias('create')
    .description('Create the feed, or replace its URL (the old one stops working); prints the URL once')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('qonduit notices calendar reset'))
    .action(async (opts) => {
      const feed = await ctx.client().notices.calendarFeed.reset();
      if (opts.json) return ctx.json(feed);
      ctx.out(feed.url);
      ctx.note('Subscribe to this URL in your calendar application. It is shown only now; anyone with it sees your tokens’ names and expiries.');
    });
  calendar
    .command('show')
    .description('Whether you have a feed (its URL is never shown again)')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const feed = await ctx.client().notices.calendarFeed.get();
      if (opts.json) return ctx.json(feed);
      ctx.out(`calendar feed ${feed.hint}, created ${relativeTime(feed.created_at, ctx.now())}`);
    });
  calendar
    .command('remove')
    .description('Delete the feed: its URL stops working')
    .action(async () => {
      await ctx.client().notices.calendarFeed.remove();
      ctx.note('Deleted your calendar feed.');
    });
}
