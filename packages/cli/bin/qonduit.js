#!/usr/bin/env node
// The `qonduit` command: the CLI is TypeScript source, run through tsx (a root dependency),
// so `npx qonduit` works from a fresh `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
