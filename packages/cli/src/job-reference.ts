import { NotFoundError } from '@qonduit/sdk';
import type { Job } from '@qonduit/sdk';
import type { ActingAccount, CommandContext } from './context';
import { CliError } from './errors';
import { UUID, resolveReference } from './ids';

// A job named by its full id, the tail or head of its id as tables show it, or its name, in the
// acting account (--org or the current context). A job that is not there but is in another of
// your accounts gets a hint naming the --org to use, instead of a bare "not found".

/** How many of an account's most recent jobs a short reference is looked up among. */
const RECENT = 500;
const PAGE = 100;
/** Other accounts searched for the hint; a member of more organizations gets no hint past them. */
const MAX_OTHER_ACCOUNTS = 20;

export interface FoundJob {
  client: ReturnType<CommandContext['client']>;
  account: ActingAccount;
  id: string;
}

export async function findJob(ctx: CommandContext, reference: string, org: string | undefined): Promise<FoundJob> {
  const account = await ctx.actingAccount(org);
  const client = ctx.client({ organizationId: account.id });
  const id = await lookUp(client, reference);
  if (id) return { client, account, id };
  const elsewhere = await findElsewhere(ctx, reference, account);
  const where = account.id === null ? 'your personal account' : account.name;
  throw new CliError(`no job "${reference}" in ${where}`, {
    hint: elsewhere
      ? `it belongs to ${elsewhere.id === null ? 'your personal account: use --org personal' : `${elsewhere.name}: use --org "${elsewhere.name}"`}`
      : 'list jobs with `qonduit jobs list` (add --org to see an organization’s)',
  });
}

/** The job's id in the client's account, or null when no job there fits the reference. */
async function lookUp(client: FoundJob['client'], reference: string): Promise<string | null> {
  if (UUID.test(reference.trim())) {
    try {
      return (await client.jobs.get(reference.trim())).id;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }
  const recent: Job[] = [];
  for (let page = 0; page * PAGE < RECENT; page++) {
    const { content, last } = await client.jobs.list({ page, size: PAGE });
    recent.push(...content);
    if (last) break;
  }
  try {
    return resolveReference(reference, recent, { kind: 'job', nameOf: (j) => j.name ?? '', listHint: '' }).id;
  } catch (err) {
    // Several matches is the user's to settle; none means "look elsewhere".
    if (err instanceof CliError && err.message.startsWith('no job')) return null;
    throw err;
  }
}

async function findElsewhere(ctx: CommandContext, reference: string, current: ActingAccount): Promise<ActingAccount | null> {
  const others: ActingAccount[] = current.id === null ? [] : [{ id: null, name: 'your personal account' }];
  for await (const org of ctx.client().orgs.iterate()) {
    if (others.length >= MAX_OTHER_ACCOUNTS) break;
    if (org.id !== current.id) others.push({ id: org.id, name: org.name });
  }
  for (const account of others) {
    try {
      if (await lookUp(ctx.client({ organizationId: account.id }), reference)) return account;
    } catch {
      // An ambiguous reference or a refused context elsewhere is no hint.
    }
  }
  return null;
}
