import type { Command } from '@commander-js/extra-typings';
import type { Qonduit } from '@qonduit/sdk';
import QRCode from 'qrcode';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { CliError, EXIT } from '../errors';
import { readSecret } from '../prompt';
import { signInSession } from './auth-login';

// `qonduit 2fa ...`: second factors are managed through a web session that has just proved who
// its holder is (the server refuses tokens here, so that a stolen token cannot take over the
// account's sign-in). Each command asks for the password, and the second factor when there is
// one, does its work, and signs the session out again.

async function whoseEmail(ctx: CommandContext, given: string | undefined): Promise<string> {
  if (given) return given;
  if (ctx.token()) return (await ctx.client().user.get()).email;
  throw new CliError('give --email, or log in first (qonduit login) so that the CLI knows your account', { exitCode: EXIT.usage });
}

async function withSession<T>(ctx: CommandContext, email: string | undefined, work: (session: Qonduit) => Promise<T>): Promise<T> {
  const address = await whoseEmail(ctx, email);
  const password = await readSecret(ctx.io, `Password for ${address}: `, 'password');
  const session = await signInSession(ctx, address, password);
  try {
    return await work(session);
  } finally {
    await session.auth.logout().catch(() => undefined);
  }
}

function printRecoveryCodes(ctx: CommandContext, codes: readonly string[]): void {
  ctx.note('Recovery codes: each signs you in once if you lose your authenticator. They are shown only now; keep them somewhere safe:');
  for (const code of codes) ctx.out(code);
}

export function registerTwoFactor(twoFactor: Command, ctx: CommandContext): void {
  twoFactor
    .command('status')
    .description('Show your second factors and how many recovery codes are left')
    .option('--json', 'print as JSON')
    .action(async (opts) => {
      const status = await ctx.client().user.twoFactor.status();
      if (opts.json) return ctx.json(status);
      if (!status.enabled) return ctx.note('Two-factor sign-in is off. Turn it on with: qonduit 2fa enable');
      ctx.note(`Two-factor sign-in is on; ${status.recovery_codes_remaining} recovery code(s) left`);
      for (const f of status.factors) ctx.out(`${f.id}  ${f.kind === 'totp' ? 'authenticator app' : 'passkey'}  ${f.name}  added ${f.created_at.slice(0, 10)}`);
    });

  twoFactor
    .command('enable')
    .description('Add an authenticator app (TOTP): scan the QR code, then enter one code')
    .option('--email <email>', 'your account (default: the logged-in one)')
    .option('--name <name>', 'what to call this authenticator', 'Authenticator app')
    .addHelpText('after', examples('qonduit 2fa enable                   # password, QR code, one code'))
    .action(async (opts) => {
      await withSession(ctx, opts.email, async (session) => {
        const enrolment = await session.user.twoFactor.enrolTotp({ name: opts.name });
        ctx.note('Scan this QR code with your authenticator app, or enter the secret by hand:');
        ctx.note(await QRCode.toString(enrolment.otpauth_uri, { type: 'terminal', small: true }));
        ctx.note(`  secret: ${enrolment.secret}`);
        const code = await readSecret(ctx.io, 'Code the app shows now: ', 'code');
        const confirmed = await session.user.twoFactor.confirmTotp(enrolment.id, code);
        ctx.note(`✓ Added "${confirmed.factor.name}": signing in now asks for its code after the password`);
        if (confirmed.recovery_codes) printRecoveryCodes(ctx, confirmed.recovery_codes);
      });
    });

  twoFactor
    .command('disable')
    .description('Remove your second factors (or one of them with --id), and with the last the recovery codes')
    .option('--email <email>', 'your account (default: the logged-in one)')
    .option('--id <id>', 'remove only this factor (see qonduit 2fa status)')
    .action(async (opts) => {
      await withSession(ctx, opts.email, async (session) => {
        const { factors } = await session.user.twoFactor.status();
        const chosen = opts.id ? factors.filter((f) => f.id === opts.id) : factors;
        if (opts.id && chosen.length === 0) throw new CliError(`you have no second factor ${opts.id}`, { exitCode: EXIT.failure });
        for (const f of chosen) await session.user.twoFactor.remove(f.id);
        const left = factors.length - chosen.length;
        ctx.note(left === 0 ? '✓ Two-factor sign-in is off' : `✓ Removed ${chosen.length} factor(s); ${left} left`);
      });
    });

  twoFactor
    .command('recovery-codes')
    .description('Replace your recovery codes with ten new ones (the old ones stop working)')
    .option('--email <email>', 'your account (default: the logged-in one)')
    .action(async (opts) => {
      await withSession(ctx, opts.email, async (session) => {
        printRecoveryCodes(ctx, (await session.user.twoFactor.regenerateRecoveryCodes()).recovery_codes);
      });
    });
}
