import { Command } from '@commander-js/extra-typings';
import { registerAuditList } from './commands/audit-list';
import { registerAuthLogin, registerAuthSignup } from './commands/auth-login';
import { registerAuthLogout } from './commands/auth-logout';
import { registerAuthWhoami } from './commands/auth-whoami';
import { registerBackendsList } from './commands/backends-list';
import { registerBackendsShow } from './commands/backends-show';
import { registerBackendsStatus } from './commands/backends-status';
import { registerCompletionScript } from './commands/completion-script';
import { registerContextList } from './commands/context-list';
import { registerContextShow } from './commands/context-show';
import { registerContextUse } from './commands/context-use';
import { registerJobsCancel } from './commands/jobs-cancel';
import { registerJobsList } from './commands/jobs-list';
import { registerJobsResult } from './commands/jobs-result';
import { registerJobsRun } from './commands/jobs-run';
import { registerJobsShow } from './commands/jobs-show';
import { registerJobsStatus } from './commands/jobs-status';
import { registerKeysRetire } from './commands/keys-retire';
import { registerKeysRewrap } from './commands/keys-rewrap';
import { registerKeysRotate } from './commands/keys-rotate';
import { registerKeysStatus } from './commands/keys-status';
import { registerInvitationsAccept } from './commands/invitations-accept';
import { registerInvitationsDecline } from './commands/invitations-decline';
import { registerInvitationsList } from './commands/invitations-list';
import { registerInvitationsRevoke } from './commands/invitations-revoke';
import { registerMembersAdd } from './commands/members-add';
import { registerNotices } from './commands/notices';
import { registerMembersList } from './commands/members-list';
import { registerMembersRemove } from './commands/members-remove';
import { registerMembersSetRole } from './commands/members-set-role';
import { registerOrgsCreate } from './commands/orgs-create';
import { registerOrgsDelete } from './commands/orgs-delete';
import { registerOrgsList } from './commands/orgs-list';
import { registerOrgsPolicy } from './commands/orgs-policy';
import { registerOrgsRename } from './commands/orgs-rename';
import { registerOrgsShow } from './commands/orgs-show';
import { registerOrgsUsage } from './commands/orgs-usage';
import { registerOrgsLimits } from './commands/orgs-limits';
import { registerProviderTokensList } from './commands/provider-tokens-list';
import { registerProviderTokensRemove } from './commands/provider-tokens-remove';
import { registerProviderTokensSet } from './commands/provider-tokens-set';
import { registerProviderTokensVerify } from './commands/provider-tokens-verify';
import { registerProvidersList } from './commands/providers-list';
import { registerScanFiles } from './commands/scan-files';
import { registerServerMigrate } from './commands/server-migrate';
import { registerServerServe } from './commands/server-serve';
import { registerTokensAllowIp } from './commands/tokens-allow-ip';
import { registerTokensCreate } from './commands/tokens-create';
import { registerTokensList } from './commands/tokens-list';
import { registerTokensRevoke } from './commands/tokens-revoke';
import { registerTokensRotate } from './commands/tokens-rotate';
import { registerTokensSelf } from './commands/tokens-self';
import { registerTwoFactor } from './commands/two-factor';
import { examples } from './command-helpers';
import { CLI_VERSION } from './context';
import type { CommandContext } from './context';

const GROUPS = {
  start: 'Getting started:',
  account: 'Account commands:',
  quantum: 'Quantum commands:',
  security: 'Security commands:',
  admin: 'Server administration (on the server machine):',
  other: 'Other commands:',
} as const;

const MAIN_HELP = `
Examples:
  $ qonduit login
  $ qonduit tokens create --name laptop --scopes api,quantum_tokens --expires-in 90d
  $ qonduit provider-tokens set ionq --org "Grace Labs" < ionq-key.txt
  $ qonduit jobs run examples/bell.qasm --backend local.simulator --shots 1000 --wait
  $ qonduit scan . --revoke

Environment:
  QONDUIT_URL              the server, instead of --url or the saved URL
  QONDUIT_TOKEN            a personal access token, instead of the saved one
  QONDUIT_ORGANIZATION_ID  act for this organization, instead of the current context
  XDG_CONFIG_HOME          the config file is $XDG_CONFIG_HOME/qonduit/config.json
                           (default ~/.config/qonduit/config.json, mode 0600)

Exit codes:
  0  ok
  1  failure (and for scan: tokens were found)
  2  usage: a wrong command, option or argument
  3  authentication: not logged in, or the token is invalid, expired or revoked
  4  permission: the token lacks a scope, or your role does not allow it
  130  interrupted (Ctrl-C)

Learn more about a command with: qonduit <command> --help
`;

/**
 * Nouns (`tokens`, `jobs`, ...) whose sub-commands are added only when the noun is called or its
 * help is printed: building all ~50 commands would cost every start-up, `--version` included,
 * some 15 ms for commands it never runs.
 */
class LazyNouns {
  readonly #fills = new Map<Command, (noun: Command) => void>();
  readonly #ctx: CommandContext;

  constructor(program: Command, ctx: CommandContext) {
    this.#ctx = ctx;
    program.hook('preSubcommand', (_program, called) => this.fill(called as unknown as Command));
  }

  add(noun: Command, fill: (noun: Command) => void): void {
    this.#fills.set(noun, fill);
    // `qonduit help tokens` prints the noun's help without dispatching to it.
    noun.on('beforeHelp', () => this.fill(noun));
  }

  fill(noun: Command): void {
    const fill = this.#fills.get(noun);
    if (!fill) return;
    this.#fills.delete(noun);
    fill(noun);
    configureAll(noun, this.#ctx);
  }

  fillAll(): void {
    for (const noun of [...this.#fills.keys()]) this.fill(noun);
  }
}

function noun(program: Command, name: string, description: string, group: string, usage: string[], lazy?: { nouns: LazyNouns; fill: (noun: Command) => void }): Command {
  const command = new Command(name).description(description).helpGroup(group);
  if (usage.length > 0) command.addHelpText('after', examples(...usage));
  program.addCommand(command);
  if (lazy) lazy.nouns.add(command, lazy.fill);
  return command;
}

/** The whole `qonduit` command tree, bound to one context. */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('qonduit')
    .description('Qonduit from the terminal: personal access tokens, organizations, provider tokens and quantum jobs.')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .option('--url <url>', 'the Qonduit server (default: QONDUIT_URL, the saved URL, else http://127.0.0.1:8080)')
    .addHelpText('after', MAIN_HELP);
  program.hook('preAction', () => {
    ctx.globals.url = program.opts().url;
  });
  // The server's API reference, on the server this CLI talks to (--url is parsed before help prints).
  program.addHelpText('after', () => `API reference: ${(program.opts().url ?? ctx.safeUrl()).replace(/\/+$/, '')}/docs\n`);
  const base = program as unknown as Command;
  const nouns = new LazyNouns(base, ctx);

  program.commandsGroup(GROUPS.start);
  registerAuthLogin(base, ctx);
  registerAuthLogout(base, ctx);
  registerAuthWhoami(base, ctx);
  registerAuthSignup(base, ctx);

  program.commandsGroup(GROUPS.account);
  // Built at once: it also adds the top-level `contexts`.
  const context = noun(base, 'context', 'Choose the account commands act for: yours or an organization', GROUPS.account, ['qonduit contexts', 'qonduit context use "Grace Labs"', 'qonduit context show']);
  registerContextList(base, context, ctx);
  registerContextUse(context, ctx);
  registerContextShow(context, ctx);

  noun(base, 'tokens', 'Manage your personal access tokens', GROUPS.account, ['qonduit tokens list', 'qonduit tokens create --name ci --scopes api,quantum_tokens --expires-in 90d', 'qonduit tokens rotate self'], { nouns, fill: (tokens) => {
    registerTokensList(tokens, ctx);
    registerTokensCreate(tokens, ctx);
    registerTokensRevoke(tokens, ctx);
    registerTokensRotate(tokens, ctx);
    registerTokensSelf(tokens, ctx);
    registerTokensAllowIp(tokens, ctx);
  } });

  noun(base, 'provider-tokens', 'Manage provider access tokens (IBM, IonQ, AWS Braket, ...), yours or an organization’s', GROUPS.account, ['qonduit provider-tokens list --org "Grace Labs"', 'qonduit provider-tokens set ionq --org "Grace Labs"', 'qonduit provider-tokens verify ionq --org "Grace Labs"'], { nouns, fill: (providerTokens) => {
    registerProviderTokensList(providerTokens, ctx);
    registerProviderTokensSet(providerTokens, ctx);
    registerProviderTokensRemove(providerTokens, ctx);
    registerProviderTokensVerify(providerTokens, ctx);
  } });
  noun(base, 'providers', 'See the providers Qonduit can hold tokens for', GROUPS.account, [], { nouns, fill: (providers) => {
    registerProvidersList(providers, ctx);
  } });

  noun(base, 'orgs', 'Manage organizations', GROUPS.account, ['qonduit orgs create "Grace Labs" --use', 'qonduit orgs list'], { nouns, fill: (orgs) => {
    registerOrgsList(orgs, ctx);
    registerOrgsCreate(orgs, ctx);
    registerOrgsShow(orgs, ctx);
    registerOrgsRename(orgs, ctx);
    registerOrgsDelete(orgs, ctx);
    registerOrgsPolicy(orgs, ctx);
    registerOrgsUsage(orgs, ctx);
    registerOrgsLimits(orgs, ctx);
  } });
  noun(base, 'members', "Manage an organization's members and roles (add invites)", GROUPS.account, ['qonduit members add grace@example.com --role maintainer --org "Grace Labs"', 'qonduit members list --org "Grace Labs"'], { nouns, fill: (members) => {
    registerMembersList(members, ctx);
    registerMembersAdd(members, ctx);
    registerMembersSetRole(members, ctx);
    registerMembersRemove(members, ctx);
  } });
  noun(base, 'invitations', 'See and answer invitations to organizations', GROUPS.account, ['qonduit invitations list', 'qonduit invitations accept "Grace Labs"'], { nouns, fill: (invitations) => {
    registerInvitationsList(invitations, ctx);
    registerInvitationsAccept(invitations, ctx);
    registerInvitationsDecline(invitations, ctx);
    registerInvitationsRevoke(invitations, ctx);
  } });
  noun(base, 'notices', 'Notices about expiring, unused and failing tokens; their webhook; a calendar feed of expiries', GROUPS.account, ['qonduit notices list', 'qonduit notices calendar reset', 'qonduit notices webhook set https://hooks.example.com/qonduit'], { nouns, fill: (notices) => {
    registerNotices(notices, ctx);
  } });
  program.commandsGroup(GROUPS.account);
  registerAuditList(base, ctx);

  noun(base, 'backends', 'See quantum backends and whether you can use them', GROUPS.quantum, ['qonduit backends list', 'qonduit backends status ionq.simulator --org "Grace Labs"'], { nouns, fill: (backends) => {
    registerBackendsList(backends, ctx);
    registerBackendsShow(backends, ctx);
    registerBackendsStatus(backends, ctx);
  } });
  noun(base, 'jobs', 'Run quantum circuits and see their results', GROUPS.quantum, ['qonduit jobs run examples/bell.qasm --backend local.simulator --wait', 'qonduit jobs list', 'qonduit jobs result <id>'], { nouns, fill: (jobs) => {
    registerJobsRun(jobs, ctx);
    registerJobsList(jobs, ctx);
    registerJobsShow(jobs, ctx);
    registerJobsStatus(jobs, ctx);
    registerJobsResult(jobs, ctx);
    registerJobsCancel(jobs, ctx);
  } });

  program.commandsGroup(GROUPS.security);
  registerScanFiles(base, ctx);
  noun(base, '2fa', 'Two-factor sign-in: add or remove an authenticator app, new recovery codes', GROUPS.security, ['qonduit 2fa enable', 'qonduit 2fa status', 'qonduit 2fa recovery-codes', 'qonduit 2fa disable'], { nouns, fill: (twoFactor) => registerTwoFactor(twoFactor, ctx) });

  program.commandsGroup(GROUPS.admin);
  registerServerServe(base, ctx);
  registerServerMigrate(base, ctx);
  noun(base, 'keys', 'Rotate, rewrap and retire the master key that encrypts provider tokens', GROUPS.admin, ['qonduit keys status', 'qonduit keys rotate && qonduit keys rewrap && qonduit keys retire <old version>'], { nouns, fill: (keys) => {
    registerKeysStatus(keys, ctx);
    registerKeysRotate(keys, ctx);
    registerKeysRewrap(keys, ctx);
    registerKeysRetire(keys, ctx);
  } });

  program.commandsGroup(GROUPS.other);
  // The completion script lists every command: it builds them all.
  registerCompletionScript(base, () => {
    nouns.fillAll();
    return program;
  }, ctx);

  configureAll(base, ctx);
  return base;
}

/** Settings every command needs, applied down the tree (commander copies them only to `.command()` children). */
function configureAll(command: Command, ctx: CommandContext): void {
  command
    .exitOverride()
    .helpOption('-h, --help', 'show help')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: (text, write) => write(`qonduit: ${text.replace(/^error: /, '')}`),
    });
  if (command.commands.length > 0) command.helpCommand('help [command]', 'show help for a command');
  for (const child of command.commands) configureAll(child as unknown as Command, ctx);
}
