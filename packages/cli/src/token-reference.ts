import type { Token } from '@qonduit/sdk';
import type { CommandContext } from './context';
import { UUID, resolveReference } from './ids';

/** A user has few tokens; past this many, a short reference must be a full id. */
const MAX_SCANNED = 1000;

/**
 * One of your tokens by its full id, the tail or head of its id, or its name. Names and short
 * forms are matched among active tokens only: a rotated token's predecessor keeps its name.
 */
export async function findToken(ctx: CommandContext, reference: string): Promise<Token> {
  const client = ctx.client();
  if (UUID.test(reference.trim())) return client.tokens.get(reference.trim());
  const active: Token[] = [];
  for await (const token of client.tokens.iterate({ state: 'active', limit: 100 })) {
    active.push(token);
    if (active.length >= MAX_SCANNED) break;
  }
  return resolveReference(reference, active, { kind: 'active token', nameOf: (t) => t.name, listHint: 'list them with `qonduit tokens list`' });
}
