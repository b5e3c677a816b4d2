import type { Command } from '@commander-js/extra-typings';
import { SecondFactorRequiredError } from '@qonduit/sdk';
import type { Qonduit } from '@qonduit/sdk';
import { hostname } from 'node:os';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { CliError, EXIT } from '../errors';
import { parseDuration, relativeTime } from '../format/time';
import { readSecret } from '../prompt';

/** Checks a token against the server (PlanQK's POST /authorize, then the token itself) and saves it. */
export async function saveLogin(ctx: CommandContext, client: Qonduit, token: string): Promise<void> {
  const who = await client.auth.authorize();
  const self = await client.tokens.self();
  ctx.saveConfig({ ...ctx.config(), url: ctx.url(), token, context: null });
  ctx.note(`✓ Logged in to ${ctx.url()} as ${[who.user.firstName, who.user.lastName].filter(Boolean).join(' ')} (${who.user.email})`);
  ctx.note(`  token ${self.hint} (${self.scopes.join(', ')}), expires ${relativeTime(self.expires_at, ctx.now())}`);
  if (!self.scopes.includes('api')) {
    ctx.note("  note: this token lacks the 'api' scope, which most commands need");
  }
  ctx.note(`  saved to ${ctx.store.path}`);
  if (ctx.io.env.QONDUIT_TOKEN) ctx.note('  note: QONDUIT_TOKEN is set and takes precedence over the saved token');
}

/**
 * A web session for commands that need one (second factors are never managed by a token): the
 * password, then the second factor when the account has one. The caller signs out when done.
 */
export async function signInSession(ctx: CommandContext, email: string, password: string): Promise<Qonduit> {
  const session = ctx.client({ anonymous: true });
  try {
    await session.auth.login({ email, password });
  } catch (err) {
    if (!(err instanceof SecondFactorRequiredError)) throw err;
    const answer = await readSecret(ctx.io, 'Authentication code from your app (or a recovery code): ', 'code');
    const recovery = /[a-z]/i.test(answer);
    await session.auth.loginSecondFactor({ challenge_id: err.challenge.id, ...(recovery ? { recovery_code: answer } : { code: answer }) });
  }
  return session;
}

/** Signs in with a password and creates a token for this CLI, so that no password is stored. */
export async function loginWithPassword(
  ctx: CommandContext,
  credentials: { email: string; password: string; name?: string | undefined },
  expiresIn: string,
): Promise<void> {
  const ms = parseDuration(expiresIn);
  if (ms === null) throw new CliError(`--expires-in ${expiresIn} is not a duration such as 90d`, { exitCode: EXIT.usage });
  let session = ctx.client({ anonymous: true });
  if (credentials.name !== undefined) {
    await session.auth.signup({ email: credentials.email, password: credentials.password, name: credentials.name });
    ctx.note(`✓ Created the account ${credentials.email}`);
  } else {
    session = await signInSession(ctx, credentials.email, credentials.password);
  }
  const created = await session.tokens.create({
    name: `qonduit CLI on ${hostname()}`.slice(0, 100),
    scopes: ['api', 'quantum_tokens'],
    expires_at: new Date(ctx.now().getTime() + ms).toISOString(),
  });
  await session.auth.logout();
  await saveLogin(ctx, ctx.client({ token: created.token }), created.token);
}

export function registerAuthLogin(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .description('Log in with a personal access token, checked against the server before it is saved')
    .option('--token <token>', 'the token (otherwise a masked prompt, or the first line of standard input)')
    .option('--email <email>', 'log in with your password instead; a token for this CLI is created for you')
    .option('--expires-in <duration>', 'with --email: how long the created token lasts', '90d')
    .addHelpText(
      'after',
      examples(
        'qonduit login                                   # paste the token at the masked prompt',
        'qonduit login --url https://qonduit.example.com',
        'echo "$TOKEN" | qonduit login                   # from a secret store, not from history',
        'qonduit login --email ada@example.com           # password prompt; creates a CLI token',
      ),
    )
    .action(async (opts) => {
      if (opts.email) {
        const password = await readSecret(ctx.io, 'Password: ', 'password');
        await loginWithPassword(ctx, { email: opts.email, password }, opts.expiresIn);
        return;
      }
      const token = opts.token ?? (await readSecret(ctx.io, `Paste a personal access token for ${ctx.url()}: `, 'token'));
      await saveLogin(ctx, ctx.client({ token }), token);
    });
}

export function registerAuthSignup(program: Command, ctx: CommandContext): void {
  program
    .command('signup')
    .description('Create an account on the server and log in to it')
    .requiredOption('--email <email>', 'your email address')
    .requiredOption('--name <name>', 'your name as others see it')
    .option('--expires-in <duration>', 'how long the CLI token created for you lasts', '90d')
    .addHelpText('after', examples('qonduit signup --email ada@example.com --name "Ada Lovelace"   # asks for a password'))
    .action(async (opts) => {
      const password = await readSecret(ctx.io, 'Choose a password (8 characters or more): ', 'password');
      await loginWithPassword(ctx, { email: opts.email, password, name: opts.name }, opts.expiresIn);
    });
}
