import { AppError, newId, openCredential, parseSealed, sealCredential, serializeSealed } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import type { Database, ProviderToken } from '@qonduit/db';
import { adapterFor, isProviderId, maskCredential, providerById, validateCredential } from '@qonduit/runtime';
import type { AdapterContext, ProviderId, VerifyResult } from '@qonduit/runtime';
import type { Kysely } from 'kysely';
import type { Actor, AuditService } from '../audit/audit.service';
import type { KeyringHolder } from '../keys/keyring-holder';
import * as store from './provider-tokens.store';

export interface TokenAccount {
  id: string;
  type: 'user' | 'organization';
}

type StoredRow = ProviderToken & { created_by_name: string | null; updated_by_name: string | null };

function parseHints(text: string): Record<string, string> {
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return {};
  }
}

/** What the API shows of a stored provider token: never the secret. */
export function toProviderTokenView(row: StoredRow) {
  return {
    provider: row.provider,
    display_name: providerById(row.provider)?.display_name ?? row.provider,
    account: { id: row.account_id, type: row.account_type },
    hints: parseHints(row.hints),
    created_at: row.created_at,
    created_by: { id: row.created_by, name: row.created_by_name },
    updated_at: row.updated_at,
    updated_by: { id: row.updated_by, name: row.updated_by_name },
    last_used_at: row.last_used_at,
    status: row.status,
    checked_at: row.checked_at,
    check_message: row.check_message,
  };
}

export function requireProviderId(provider: string): ProviderId {
  if (!isProviderId(provider)) throw new AppError('not_found', `There is no provider '${provider.slice(0, 40)}'; GET /api/v1/providers lists them`);
  return provider;
}

export function createProviderTokenService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditService;
  keyring: KeyringHolder;
  /** What adapters need to reach providers (configured base URLs, fetch, clock). */
  adapterContext: AdapterContext;
}) {
  const { db, clock, audit, keyring } = deps;

  function event(account: TokenAccount, actor: Actor, action: string, provider: string, details: Record<string, unknown> = {}) {
    return { account, actor, action, target: { type: 'provider_token', id: null, name: provider }, details: { provider, ...details } };
  }

  async function rowOrNotFound(account: TokenAccount, provider: ProviderId): Promise<StoredRow> {
    const row = await store.findForAccount(db, account.id, provider);
    if (!row) throw new AppError('not_found', `No ${providerById(provider)?.display_name ?? provider} token is set for this account`);
    return row;
  }

  /** Decrypts a record; a key version this process does not know yet makes it reload the keyring once. */
  function open(row: Pick<ProviderToken, 'id' | 'account_id' | 'provider' | 'sealed'>): Record<string, string> {
    const parsed = parseSealed(row.sealed);
    if (!parsed.ok) throw new Error(`provider token ${row.id} is not a sealed credential`);
    const aad = { accountId: row.account_id, provider: row.provider, recordId: row.id };
    let result = openCredential(keyring.current(), parsed.sealed, aad);
    if (!result.ok && result.reason === 'unknown_key') result = openCredential(keyring.reload(), parsed.sealed, aad);
    if (!result.ok) throw new Error(`provider token ${row.id} cannot be decrypted: ${result.reason}`);
    return result.credential;
  }

  return {
    async list(account: TokenAccount) {
      return (await store.listForAccount(db, account.id)).map(toProviderTokenView);
    },

    async get(account: TokenAccount, provider: ProviderId) {
      return toProviderTokenView(await rowOrNotFound(account, provider));
    },

    /** Adds or replaces the account's token for a provider; a replacement starts unchecked. */
    async put(account: TokenAccount, actor: Actor & { userId: string }, provider: ProviderId, input: unknown) {
      const checked = validateCredential(provider, input);
      if (!checked.ok) {
        const first = checked.details[0];
        throw new AppError('validation_failed', first ? first.message : 'The credential is invalid', {
          details: checked.details.map((d) => ({ field: `credentials.${d.field}`, message: d.message })),
        });
      }
      const nowIso = clock.now().toISOString();
      const hints = JSON.stringify(maskCredential(provider, checked.credential));
      const existing = await store.findForAccount(db, account.id, provider);
      const id = existing?.id ?? newId();
      const sealed = sealCredential(keyring.current(), checked.credential, { accountId: account.id, provider, recordId: id });
      const created = await db.transaction().execute(async (trx) => {
        let inserted = false;
        if (existing) {
          await store.replaceSecret(trx, id, { sealed: serializeSealed(sealed), key_id: sealed.key_id, hints, updated_at: nowIso, updated_by: actor.userId });
        } else {
          inserted = await store.insertProviderToken(trx, {
            id,
            account_id: account.id,
            account_type: account.type,
            provider,
            sealed: serializeSealed(sealed),
            key_id: sealed.key_id,
            hints,
            created_at: nowIso,
            created_by: actor.userId,
            updated_at: nowIso,
            updated_by: actor.userId,
            last_used_at: null,
            status: 'unchecked',
            checked_at: null,
            check_message: null,
          });
          if (!inserted) throw new AppError('conflict', 'Another request set this provider token at the same time; try again');
        }
        await audit.record(event(account, actor, inserted ? 'provider_token.added' : 'provider_token.replaced', provider, { hints: JSON.parse(hints) as unknown }), trx);
        return inserted;
      });
      return { created, token: toProviderTokenView(await rowOrNotFound(account, provider)) };
    },

    async remove(account: TokenAccount, actor: Actor, provider: ProviderId): Promise<void> {
      const row = await rowOrNotFound(account, provider);
      await db.transaction().execute(async (trx) => {
        await store.deleteProviderToken(trx, row.id);
        await audit.record(event(account, actor, 'provider_token.deleted', provider), trx);
      });
    },

    /**
     * Asks the provider's cheapest authenticated call whether the token works. A provider that
     * cannot be reached is reported as such and leaves the recorded status as it was.
     */
    async verify(account: TokenAccount, actor: Actor, provider: ProviderId) {
      const row = await rowOrNotFound(account, provider);
      const credential = open(row);
      const result: VerifyResult = await adapterFor(provider).verify(credential, deps.adapterContext);
      const nowIso = clock.now().toISOString();
      if (result.status === 'valid' || result.status === 'invalid') {
        await store.recordCheck(db, row.id, result.status, nowIso, result.status === 'invalid' ? result.message : null);
      }
      await audit.record(event(account, actor, 'provider_token.verified', provider, { result: result.status }));
      return {
        ...toProviderTokenView(await rowOrNotFound(account, provider)),
        check: { result: result.status, message: 'message' in result ? result.message : null },
      };
    },

    /** The decrypted credential for run time (jobs, the proxy); never leaves the server. */
    async credentialFor(account: TokenAccount, provider: ProviderId): Promise<{ recordId: string; credential: Record<string, string> } | null> {
      const row = await store.findForAccount(db, account.id, provider);
      if (!row) return null;
      return { recordId: row.id, credential: open(row) };
    },

    /** Records a use; true when the token had been idle for `idleMs` (callers audit that use). */
    async markUsed(recordId: string, idleMs = 0): Promise<boolean> {
      const now = clock.now();
      return store.recordUse(db, recordId, now.toISOString(), new Date(now.getTime() - idleMs).toISOString());
    },

    async markInvalid(recordId: string, message: string): Promise<void> {
      await store.recordCheck(db, recordId, 'invalid', clock.now().toISOString(), message);
    },

    open,
  };
}

export type ProviderTokenService = ReturnType<typeof createProviderTokenService>;
