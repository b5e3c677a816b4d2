import type { Command } from '@commander-js/extra-typings';
import { examples } from '../command-helpers';
import type { CommandContext } from '../context';
import { EXIT } from '../errors';

const BATCH = 1000;

export function registerScanFiles(program: Command, ctx: CommandContext): void {
  program
    .command('scan')
    .description('Find Qonduit tokens in files, offline, by prefix and checksum; exit 1 when any is found')
    .argument('[paths...]', 'files or folders (default: the current folder); .git and node_modules are skipped')
    .option('--revoke', 'send the tokens found to the server to be revoked (works for anyone, needs no login)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      examples('qonduit scan', 'qonduit scan src/ .env --revoke', 'git diff --cached --name-only | xargs qonduit scan   # as a pre-commit hook'),
    )
    .action(async (paths, opts) => {
      // Loaded here, not at start-up: the token format needs node:crypto and node:zlib.
      const { maskFinding, scanPaths } = await import('../scanner');
      const report = scanPaths(paths.length > 0 ? paths : ['.'], ctx.io.cwd);
      const unique = [...new Set(report.findings.map((f) => f.token))];
      let revoked: number | null = null;
      if (opts.revoke && unique.length > 0) {
        // The leak endpoint is public, on purpose: whoever finds a token can kill it.
        const client = ctx.client({ anonymous: true });
        revoked = 0;
        for (let i = 0; i < unique.length; i += BATCH) revoked += (await client.tokens.revokeLeaked(unique.slice(i, i + BATCH))).revoked;
      }
      const masked = report.findings.map(maskFinding);
      if (opts.json) {
        ctx.json({ findings: masked, files_scanned: report.filesScanned, skipped: report.skipped, revoked });
      } else {
        for (const f of masked) ctx.out(`${f.file}:${f.line}:${f.column}  ${f.token}`);
        const files = new Set(masked.map((f) => f.file)).size;
        ctx.note(
          unique.length === 0
            ? `✓ No Qonduit tokens in ${report.filesScanned} file${report.filesScanned === 1 ? '' : 's'}`
            : `Found ${unique.length} Qonduit token${unique.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${report.filesScanned} scanned)`,
        );
        for (const s of report.skipped) ctx.note(`  skipped ${s.file}: ${s.reason}`);
        if (revoked !== null) {
          ctx.note(`✓ Revoked ${revoked} of ${unique.length} at ${ctx.url()}; the others were already revoked, expired, or not this server's`);
        } else if (unique.length > 0) {
          ctx.note('  Revoke them with `qonduit scan --revoke`, then remove them from the files (and from version control history).');
        }
      }
      if (unique.length > 0) ctx.exitCode = EXIT.failure;
    });
}
