import { newId } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { AuditEvent, Database } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';
import { decodeCursor, pageOf } from '../../pagination';
import * as store from './audit.store';

export interface Actor {
  userId: string | null;
  tokenId: string | null;
  ip: string | null;
}

export interface AuditInput {
  account: { id: string; type: 'user' | 'organization' };
  actor: Actor;
  action: string;
  target: { type: string; id?: string | null; name?: string | null };
  /** Non-secret facts only (scopes, provider ids, hints). */
  details?: Record<string, unknown>;
}

export function createAuditService(deps: { db: Kysely<Database>; clock: Clock }) {
  return {
    /** Writes within the caller's transaction when given one, so the event and the change commit together. */
    async record(input: AuditInput, trx?: Transaction<Database>): Promise<void> {
      await store.insertAuditEvent(trx ?? deps.db, {
        id: newId(),
        account_id: input.account.id,
        account_type: input.account.type,
        actor_user_id: input.actor.userId,
        actor_token_id: input.actor.tokenId,
        action: input.action,
        target_type: input.target.type,
        target_id: input.target.id ?? null,
        target_name: input.target.name ?? null,
        ip: input.actor.ip,
        details: JSON.stringify(input.details ?? {}),
        created_at: deps.clock.now().toISOString(),
      });
    },

    async list(accountId: string, page: { limit?: number; cursor?: string }) {
      const limit = page.limit ?? 50;
      const rows = await store.listAuditEvents(deps.db, accountId, limit + 1, decodeCursor(page.cursor, 2));
      const result = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      return { items: result.items.map(toAuditResponse), next_cursor: result.next_cursor };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

function toAuditResponse(e: AuditEvent) {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(e.details) as Record<string, unknown>;
  } catch {
    // A row written by hand; show it without details rather than fail the list.
  }
  return {
    id: e.id,
    action: e.action,
    actor: { user_id: e.actor_user_id, token_id: e.actor_token_id, ip: e.ip },
    account: { id: e.account_id, type: e.account_type },
    target: { type: e.target_type, id: e.target_id, name: e.target_name },
    details,
    created_at: e.created_at,
  };
}
