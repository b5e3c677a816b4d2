import type { Scope } from '@qonduit/sdk';

// One line each on what a scope allows (DESIGN.md, "Scopes"), in the order the form shows them.
export const SCOPE_INFO: ReadonlyArray<{ scope: Scope; allows: string }> = [
  { scope: 'read_api', allows: 'Read everything through the API: your account, tokens, organizations, provider tokens (masked), backends and jobs.' },
  { scope: 'api', allows: 'Everything read_api allows, and every change: tokens, organizations, members and provider tokens.' },
  { scope: 'quantum_tokens', allows: 'Spend provider access tokens on your behalf: submit and cancel quantum jobs, use the provider proxy.' },
];
