import type { Command } from '@commander-js/extra-typings';
import type { Provider, Qonduit } from '@qonduit/sdk';
import { ORG_OPTION_HELP, collect, examples } from '../command-helpers';
import type { ActingAccount, CommandContext } from '../context';
import { CliError, EXIT, usageError } from '../errors';
import { canPrompt, promptSecret, readStdin } from '../prompt';
import { credentialsFromArguments, credentialsFromStdin, missingFields } from '../provider-credentials';

export async function providerNamed(client: Qonduit, id: string): Promise<Provider> {
  const catalog = await client.providers.list();
  const provider = catalog.find((p) => p.id === id.toLowerCase() || p.planqk_name === id.toUpperCase());
  if (!provider) throw usageError(`unknown provider "${id}"`, `providers are ${catalog.map((p) => p.id).join(', ')}`);
  return provider;
}

export function accountLabel(account: ActingAccount): string {
  return account.id ? `the organization ${account.name}` : 'your personal account';
}

export function registerProviderTokensSet(parent: Command, ctx: CommandContext): void {
  parent
    .command('set')
    .description("Add or replace a provider access token (yours, or the organization's you act for)")
    .argument('<provider>', 'provider id from `qonduit providers list`: ibm, ionq, aws_braket, dwave, ...')
    .option('--org <org>', ORG_OPTION_HELP)
    .option('--field <name=value>', 'a non-secret field such as region or instance_crn (repeatable)', collect)
    .option('--from-env <[field=]VAR>', 'take a field from an environment variable (repeatable)', collect)
    .option('--json', 'print the saved token (masked hints only) as JSON')
    .addHelpText(
      'after',
      examples(
        'qonduit provider-tokens set ionq                              # masked prompt',
        'qonduit provider-tokens set ionq --org "Grace Labs" < ionq-key.txt',
        'qonduit provider-tokens set ionq --from-env IONQ_API_KEY',
        'qonduit provider-tokens set aws_braket --field region=us-east-1 --field access_key_id=AKIA... \\',
        '    --from-env secret_access_key=AWS_SECRET_ACCESS_KEY',
        'printf \'api_key=%s\\ninstance_crn=%s\\n\' "$KEY" "$CRN" | qonduit provider-tokens set ibm',
      ),
    )
    .action(async (providerId, opts) => {
      const account = await ctx.actingAccount(opts.org);
      const client = ctx.client();
      const provider = await providerNamed(client, providerId);
      const values = credentialsFromArguments(provider, { assignments: opts.field ?? [], fromEnv: opts.fromEnv ?? [], env: ctx.io.env });
      let missing = missingFields(provider, values);
      if (missing.length > 0) {
        if (canPrompt(ctx.io)) {
          ctx.note(`${provider.display_name} token for ${accountLabel(account)} (get one at ${provider.token_url})`);
          for (const field of missing) {
            const value = (await promptSecret(ctx.io, `${field.label}: `, { mask: field.secret })).trim();
            if (value) values[field.name] = value;
          }
        } else {
          Object.assign(values, credentialsFromStdin(provider, await readStdin(ctx.io), missing));
        }
        missing = missingFields(provider, values);
      }
      if (missing.length > 0) {
        throw new CliError(`missing ${missing.map((f) => f.name).join(', ')} for ${provider.display_name}`, {
          exitCode: EXIT.usage,
          hint: 'enter them at the prompt, pipe name=value lines on standard input, or use --from-env',
        });
      }
      const saved = await client.providerTokens.set(provider.id, values, account.id ? { org: account.id } : {});
      if (opts.json) return ctx.json(saved);
      const hints = Object.entries(saved.hints).map(([k, v]) => `${k} ${v}`).join(', ');
      ctx.note(`✓ Saved the ${saved.display_name} token for ${accountLabel(account)} (${hints})`);
      ctx.note(`  Check it against ${saved.display_name} with \`qonduit provider-tokens verify ${provider.id}${opts.org ? ` --org ${JSON.stringify(opts.org)}` : ''}\``);
    });
}
