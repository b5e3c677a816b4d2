import { AppError, newId } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { AuditEvent, Database } from '@qonduit/db';
import type { Kysely, Transaction } from 'kysely';
import { decodeCursor, pageOf } from '../../pagination';
import * as store from './audit.store';
import type { AuditFilter } from './audit.store';

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

export interface AuditQuery {
  limit?: number;
  cursor?: string;
  /** A user id. */
  actor?: string;
  /** An action, or a prefix ending in a dot (`member.`). */
  action?: string;
  /** A date (00:00 UTC) or a date-time: since inclusive, until exclusive. */
  since?: string;
  until?: string;
}

export function createAuditService(deps: { db: Kysely<Database>; clock: Clock }) {
  return {
    /**
     * Writes within the caller's transaction when given one, so the event and the change commit
     * together. The actor's and the token's names are copied in as they are now: the record
     * keeps what they were called when it happened, and outlives the user or token.
     */
    async record(input: AuditInput, trx?: Transaction<Database>): Promise<void> {
      const db = trx ?? deps.db;
      const names = await store.actorNames(db, input.actor.userId, input.actor.tokenId);
      await store.insertAuditEvent(db, {
        id: newId(),
        account_id: input.account.id,
        account_type: input.account.type,
        actor_user_id: input.actor.userId,
        actor_name: names.name,
        actor_token_id: input.actor.tokenId,
        actor_token_name: names.tokenName,
        action: input.action,
        target_type: input.target.type,
        target_id: input.target.id ?? null,
        target_name: input.target.name ?? null,
        ip: input.actor.ip,
        details: JSON.stringify(input.details ?? {}),
        created_at: deps.clock.now().toISOString(),
      });
    },

    /** Newest first; the filters hold on every page, so a client sends them with each cursor. */
    async list(accountId: string, query: AuditQuery) {
      const limit = query.limit ?? 50;
      const rows = await store.listAuditEvents(deps.db, accountId, filterOf(query), limit + 1, decodeCursor(query.cursor, 2));
      const result = pageOf(rows, limit, (r) => [r.created_at, r.id]);
      return { items: result.items.map(toAuditResponse), next_cursor: result.next_cursor };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

function filterOf(query: AuditQuery): AuditFilter {
  const filter: AuditFilter = {};
  if (query.actor !== undefined) filter.actorUserId = query.actor;
  if (query.action !== undefined) filter.action = { value: query.action, prefix: query.action.endsWith('.') };
  if (query.since !== undefined) filter.since = moment('since', query.since);
  if (query.until !== undefined) filter.until = moment('until', query.until);
  return filter;
}

/** As stored (ISO 8601 in UTC, milliseconds), so that text comparison orders by time. */
function moment(field: string, raw: string): string {
  const value = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00.000Z` : raw.replace(' ', 'T'));
  if (Number.isNaN(value.getTime())) {
    throw new AppError('validation_failed', `${field} is not a valid date`, { details: [{ field, message: 'is not a valid date' }] });
  }
  return value.toISOString();
}

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
    actor: { user_id: e.actor_user_id, name: e.actor_name, token_id: e.actor_token_id, token_name: e.actor_token_name, ip: e.ip },
    account: { id: e.account_id, type: e.account_type },
    target: { type: e.target_type, id: e.target_id, name: e.target_name },
    details,
    created_at: e.created_at,
  };
}
