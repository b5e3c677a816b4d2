import type { Command } from '@commander-js/extra-typings';
import { Argument } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';

/** A command tree, as completion needs it: each command's words and its subcommands. */
export interface CompletionNode {
  name: string;
  words: string[];
  children: CompletionNode[];
}

interface CommandLike {
  name(): string;
  aliases(): string[];
  commands: readonly CommandLike[];
  options: ReadonlyArray<{ long?: string | undefined; short?: string | undefined; hidden?: boolean }>;
}

export function completionTree(command: CommandLike): CompletionNode {
  const children = command.commands.filter((c) => c.name() !== 'help').map(completionTree);
  const options = command.options.flatMap((o) => (o.hidden ? [] : [o.long, o.short].filter((x): x is string => Boolean(x))));
  return { name: command.name(), words: [...children.map((c) => c.name), ...options, '--help'], children };
}

function paths(node: CompletionNode, prefix: string[] = []): Array<{ path: string; words: string[] }> {
  return [{ path: prefix.join(' '), words: node.words }, ...node.children.flatMap((c) => paths(c, [...prefix, c.name]))];
}

export function bashCompletion(tree: CompletionNode): string {
  const cases = paths(tree)
    .map(({ path, words }) => `    "${path}") echo "${words.join(' ')}" ;;`)
    .join('\n');
  return `# qonduit completion for bash (and zsh with bashcompinit)
_qonduit_words() {
  case "$1" in
${cases}
  esac
}
_qonduit() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    # Only words that name a subcommand move down the tree; option values do not.
    if [[ -n "$(_qonduit_words "\${path:+$path }$word")" ]]; then path="\${path:+$path }$word"; fi
  done
  COMPREPLY=($(compgen -W "$(_qonduit_words "$path")" -- "$cur"))
}
complete -o default -F _qonduit qonduit
`;
}

export function fishCompletion(tree: CompletionNode): string {
  const lines = ['# qonduit completion for fish', 'complete -c qonduit -f'];
  for (const child of tree.children) {
    lines.push(`complete -c qonduit -n "__fish_use_subcommand" -a "${child.name}"`);
    for (const grandchild of child.children) {
      lines.push(`complete -c qonduit -n "__fish_seen_subcommand_from ${child.name}" -a "${grandchild.name}"`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerCompletionScript(program: Command, root: () => CommandLike, ctx: CommandContext): void {
  program
    .command('completion')
    .description('Print a shell completion script')
    .addArgument(new Argument('<shell>', 'your shell').choices(['bash', 'zsh', 'fish'] as const))
    .addHelpText(
      'after',
      examples(
        'qonduit completion bash > ~/.local/share/bash-completion/completions/qonduit',
        'echo \'autoload -U +X bashcompinit && bashcompinit; eval "$(qonduit completion zsh)"\' >> ~/.zshrc',
        'qonduit completion fish > ~/.config/fish/completions/qonduit.fish',
      ),
    )
    .action((shell) => {
      const tree = completionTree(root());
      ctx.out(shell === 'fish' ? fishCompletion(tree) : bashCompletion(tree));
    });
}
