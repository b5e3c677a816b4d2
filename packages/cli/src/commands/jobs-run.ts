import type { Command} from '@commander-js/extra-typings';
import { Option } from '@commander-js/extra-typings';
import { DEFAULT_SHOTS, INPUT_FORMATS, detectInputFormat } from '@qonduit/sdk';
import type { Circuit, IonqCircuit, Job, JobEstimate } from '@qonduit/sdk';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { collect, examples, positiveInt } from '../command-helpers';
import type { CommandContext } from '../context';
import { CliError, EXIT, usageError } from '../errors';
import { renderCounts } from '../format/bar-chart';
import { createProgress } from '../format/progress';
import { tokenSourceText } from '../format/quantum';
import { renderFields } from '../format/table';
import { elapsed } from '../format/time';
import { canPrompt, promptSecret, readStdin } from '../prompt';
import { quantumClient } from './backends-list';

/** The program in FILE (or standard input for "-"): QASM text, or an IonQ JSON circuit for .json files. */
export async function readCircuit(ctx: CommandContext, file: string): Promise<Circuit> {
  let text: string;
  try {
    text = file === '-' ? await readStdin(ctx.io) : readFileSync(path.resolve(ctx.io.cwd, file), 'utf8');
  } catch {
    throw usageError(`cannot read ${file}`);
  }
  if (file.endsWith('.json') || text.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Partial<IonqCircuit>;
      if (typeof parsed.qubits === 'number' && Array.isArray(parsed.circuit)) return { qubits: parsed.qubits, circuit: parsed.circuit };
    } catch {
      // Not JSON: fall through to the message below.
    }
    throw usageError(`${file} is not an IonQ circuit: expected {"qubits": N, "circuit": [...]}`);
  }
  return text;
}

/** What `--dry-run` prints: the estimate, whose token it would spend, and any refusal it would meet. */
export function renderEstimate(e: JobEstimate, orgName: string | null): string {
  const cost = e.estimated_cost;
  const lines: Array<readonly [string, string]> = [
    ['backend', `${e.backend_id} (${e.provider_name})`],
    ['shots', String(e.shots)],
    [
      'estimated cost',
      cost === null
        ? 'nothing (no provider is paid)'
        : `$${cost.amount.toFixed(cost.amount < 1 ? 4 : 2)} ${cost.currency} ($${cost.per_task} per task + $${cost.per_shot} per shot; prices of ${cost.prices_as_of})`,
    ],
    ...(cost ? [['how', cost.basis] as const] : []),
    ['spends', `${tokenSourceText(e.token_source)}${orgName && e.token_source === 'organization' ? ` (${orgName})` : ''}`],
    ['would be', e.refusal ? `refused: ${e.refusal.message}` : 'accepted'],
  ];
  return renderFields(lines);
}

export function registerJobsRun(jobs: Command, ctx: CommandContext): void {
  jobs
    .command('run')
    .description('Submit a circuit (OpenQASM 2 or 3, or IonQ JSON) to a backend; with --wait, show its counts')
    .argument('<file>', 'the program file, or - for standard input')
    .requiredOption('--backend <id>', 'backend id from `qonduit backends list`')
    .option('--shots <n>', 'how many shots', positiveInt, DEFAULT_SHOTS)
    .option('--wait', 'wait for the job to finish and print its counts')
    .option('--name <name>', 'a name for the job')
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .addOption(new Option('--input-format <format>', 'detected from the file when left out').choices(INPUT_FORMATS))
    .option('--org <org>', "run with this organization's provider token instead of the current context's")
    .option('--json', 'print JSON (the job, and with --wait its result)')
    .option('--dry-run', 'submit nothing: show what the job would cost and whether it would be accepted now')
    .option('--yes', 'on a terminal, submit a job that costs money without asking first')
    .addHelpText(
      'after',
      `${examples(
        'qonduit jobs run examples/bell.qasm --backend local.simulator --shots 1000 --wait',
        'qonduit jobs run examples/bell-ionq.json --backend local.simulator --wait',
        'qonduit jobs run examples/bell.qasm --backend ionq.simulator --org "Grace Labs" --wait   # spends Grace Labs\' IonQ token',
        'cat examples/bell.qasm | qonduit jobs run - --backend local.simulator',
        'qonduit jobs run examples/bell.qasm --backend ionq.qpu.aria-1 --org "Grace Labs" --shots 100 --dry-run   # the estimated cost, no job',
      )}
Cost: on a terminal, a job on a paid backend shows its estimated cost and asks before it is
submitted (\`--yes\` does not ask); \`--dry-run\` only shows the estimate.
Scopes: on local.simulator, which spends no provider token, a token with \`api\` will do (or
\`quantum_tokens\`); any other backend spends a provider access token and needs \`quantum_tokens\`.
`,
    )
    .action(async (file, opts) => {
      const circuit = await readCircuit(ctx, file);
      const { client, account } = await quantumClient(ctx, opts.org);
      const inputFormat = opts.inputFormat ?? detectInputFormat(circuit);
      const tags = opts.tag ?? [];
      const common = {
        backend: opts.backend,
        shots: opts.shots,
        inputFormat,
        ...(opts.name ? { name: opts.name } : {}),
        ...(tags.length > 0 ? { tags } : {}),
      };
      if (opts.dryRun) {
        const estimate = await client.jobs.estimate({
          backend_id: common.backend,
          shots: common.shots,
          input: typeof circuit === 'string' ? circuit : { qubits: circuit.qubits, circuit: [...circuit.circuit] },
          input_format: inputFormat,
        });
        if (opts.json) ctx.json(estimate);
        else ctx.out(renderEstimate(estimate, account.id ? account.name : null));
        if (estimate.refusal) throw new CliError(`it would be refused: ${estimate.refusal.message}`, { exitCode: EXIT.failure });
        return;
      }
      if (!opts.yes && canPrompt(ctx.io)) {
        // On a terminal, a job that costs money is confirmed first, with its estimate.
        const estimate = await client.jobs
          .estimate({
            backend_id: common.backend,
            shots: common.shots,
            input: typeof circuit === 'string' ? circuit : { qubits: circuit.qubits, circuit: [...circuit.circuit] },
            input_format: inputFormat,
          })
          .catch(() => null);
        const cost = estimate?.estimated_cost;
        if (estimate && !estimate.refusal && cost && cost.amount > 0) {
          const answer = await promptSecret(
            ctx.io,
            `This job is estimated to cost $${cost.amount.toFixed(2)} ${cost.currency}, spending ${tokenSourceText(estimate.token_source)}. Submit it? [y/N] `,
            { mask: false },
          );
          if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('not submitted', { exitCode: EXIT.failure, hint: 'pass --yes to submit without asking' });
        }
      }
      if (!opts.wait) {
        const job = await client.jobs.submit({
          backend_id: common.backend,
          shots: common.shots,
          input: typeof circuit === 'string' ? circuit : { qubits: circuit.qubits, circuit: [...circuit.circuit] },
          input_format: inputFormat,
          ...(opts.name ? { name: opts.name } : {}),
          ...(tags.length > 0 ? { tags } : {}),
        });
        if (opts.json) ctx.json(job);
        else ctx.out(job.id);
        ctx.note(`✓ Submitted job ${job.id} to ${job.backend_id}${account.id ? ` for ${account.name}` : ''}, spending ${tokenSourceText(job.token_source)}`);
        ctx.note(`  Follow it with \`qonduit jobs status ${job.id}\`; counts with \`qonduit jobs result ${job.id}\``);
        return;
      }
      const progress = createProgress(ctx.io.stderr);
      let submitted: Job | null = null;
      try {
        const { job, result } = await client.jobs.run(circuit, {
          ...common,
          ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
          onSubmitted: (job) => {
            submitted = job;
          },
          onStatus: (status, { id, elapsedMs }) => progress.update(`job ${id} ${status} on ${opts.backend}`, elapsed(elapsedMs)),
        });
        progress.stop();
        if (opts.json) return ctx.json({ job, result });
        ctx.note(`✓ Job ${job.id} completed on ${job.backend_id} (${job.shots} shots, ${tokenSourceText(job.token_source)})`);
        ctx.out(renderCounts(result.counts, { width: ctx.io.stdout.columns ?? 80 }));
      } catch (err) {
        progress.stop();
        const id = (submitted as Job | null)?.id;
        if (ctx.io.signal?.aborted && id) {
          throw new CliError(`stopped waiting; job ${id} goes on`, {
            exitCode: EXIT.interrupted,
            hint: `see it with \`qonduit jobs status ${id}\`, or stop it with \`qonduit jobs cancel ${id}\``,
          });
        }
        throw err;
      }
    });
}
