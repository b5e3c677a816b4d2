import type { Scope } from '@qonduit/sdk';

// One line each on what a scope allows (DESIGN.md, "Scopes"), in the order the form shows them.
export const SCOPE_INFO: ReadonlyArray<{ scope: Scope; allows: string }> = [
  { scope: 'read_api', allows: 'Read everything through the API: your account, tokens, organizations, provider tokens (masked), backends and jobs.' },
  { scope: 'api', allows: 'Everything read_api allows, and every change: tokens, organizations, members and provider tokens. Also runs jobs on local.simulator, which spends no provider token.' },
  { scope: 'quantum_tokens', allows: "Spend provider access tokens on your behalf: submit and cancel quantum jobs on a provider's backend, use the provider proxy." },
];

/**
 * The scopes the page recommends for the Qonduit CLI: `api` covers its commands and jobs on
 * local.simulator (jobs on a provider's backend need `quantum_tokens` too). The README's quick
 * start is tested with a token made with these (packages/cli/src/commands/quick-start.test.ts).
 */
export const CLI_SCOPES: readonly Scope[] = ['api'];
