#!/usr/bin/env node
// The `qonduit` command runs the CLI bundled into one file by scripts/build-cli.mjs (`npm ci`
// and `npm run build` build it), which starts about as fast as node itself. A checkout that
// skipped install scripts has no bundle: it then runs the TypeScript sources through tsx,
// which works but takes seconds per command.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/qonduit.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  process.stderr.write('qonduit: running from the TypeScript sources (slow); `npm run build` builds the fast CLI\n');
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
