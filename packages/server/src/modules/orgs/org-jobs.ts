import type { Clock } from '@qonduit/core';
import type { Database } from '@qonduit/db';
import { ProviderError, adapterFor, backendById, isProviderId } from '@qonduit/runtime';
import type { AdapterContext, ProviderId } from '@qonduit/runtime';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { CredentialResolver } from '../quantum/credential-resolver';
import * as store from './orgs.store';

type Credential = Readonly<Record<string, string>>;

/** A job that deleting its organization cancelled, as `cancelActiveJobsOf` returns it. */
export interface EndedJob {
  id: string;
  provider: string;
  backend_id: string;
  token_source: string;
  provider_job_id: string | null;
  submit_attempt_id: string | null;
  submit_attempt_at: string | null;
  created_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

export interface OrgJobCanceller {
  /** The organization's decrypted credentials, read before its tokens are deleted. */
  credentialsOf(organizationId: string): Promise<Map<ProviderId, Credential>>;
  /** After the deletion committed: cancels at the providers what had reached them. */
  cancelAtProviders(ended: readonly EndedJob[], credentials: ReadonlyMap<ProviderId, Credential>): Promise<void>;
}

const CALL_TIMEOUT_MS = 10_000;
const LEASE_WAIT_MS = 10_000;
const POLL_MS = 50;

/**
 * Carries a deleted organization's cancellations to the providers. The job worker cannot: it
 * reads the credential from the organization's token, which is gone once the deletion commits,
 * so the credentials are read before and held in memory only for these calls.
 *
 * - A job the provider knows by id is cancelled there at once.
 * - A worker that held a job's lease when the deletion committed may be submitting it with a
 *   credential it read before: the deletion waits (a bounded time) for that worker to let go,
 *   and cancels what it submitted.
 * - A job whose submission was attempted but whose answer was lost (a crash; the worker
 *   records an attempt id first) is looked up at the provider by that attempt, where the
 *   provider allows it, and cancelled.
 *
 * Failures are logged and do not undo the deletion: the credential is destroyed either way,
 * which is what makes the organization's key unusable.
 */
export function createOrgJobCanceller(deps: {
  db: Kysely<Database>;
  clock: Clock;
  log: FastifyBaseLogger;
  resolver: Pick<CredentialResolver, 'allOf' | 'platformCredential'>;
  adapterContext: AdapterContext;
  callTimeoutMs?: number;
  leaseWaitMs?: number;
}): OrgJobCanceller {
  const { db, clock, log } = deps;
  const callTimeoutMs = deps.callTimeoutMs ?? CALL_TIMEOUT_MS;
  const leaseWaitMs = deps.leaseWaitMs ?? LEASE_WAIT_MS;

  function failed(job: EndedJob, err: unknown): void {
    // Never the error itself: a provider's message is safe, but a fetch error may carry a URL.
    log.warn(
      { job_id: job.id, provider: job.provider, reason: err instanceof ProviderError ? err.kind : 'unexpected' },
      'organization deleted: cancelling a job at the provider failed',
    );
  }

  /** Cancels at the provider: by its job id, or else by looking up the recorded submission attempt. */
  async function cancelOne(
    job: EndedJob,
    known: { provider_job_id: string | null; submit_attempt_id: string | null; submit_attempt_at: string | null },
    credentials: ReadonlyMap<ProviderId, Credential>,
  ): Promise<void> {
    const provider = job.provider;
    if (!isProviderId(provider)) return;
    const adapter = adapterFor(provider);
    const credential = job.token_source === 'platform' ? deps.resolver.platformCredential(provider) : credentials.get(provider);
    if (!adapter.cancel || !credential) {
      log.warn({ job_id: job.id, provider }, 'organization deleted: cannot cancel this job at the provider');
      return;
    }
    const ctx = { ...deps.adapterContext, signal: AbortSignal.timeout(callTimeoutMs) };
    try {
      let providerJobId = known.provider_job_id;
      const device = backendById(job.backend_id)?.device;
      if (providerJobId === null && known.submit_attempt_id !== null && adapter.findSubmitted && device !== undefined) {
        const found = await adapter.findSubmitted(
          { backend: device, jobId: job.id, attemptId: known.submit_attempt_id, since: known.submit_attempt_at ?? job.created_at },
          credential,
          ctx,
        );
        providerJobId = found?.providerJobId ?? null;
      }
      if (providerJobId !== null) await adapter.cancel(providerJobId, credential, ctx);
    } catch (err) {
      failed(job, err);
    }
  }

  return {
    credentialsOf: (organizationId) => deps.resolver.allOf({ id: organizationId, type: 'organization' }),

    async cancelAtProviders(ended, credentials) {
      const nowIso = clock.now().toISOString();
      const atProvider = ended.filter((j) => j.token_source !== 'none');
      const byId = new Map(atProvider.map((j) => [j.id, j]));
      await Promise.all(atProvider.filter((j) => j.provider_job_id !== null).map((j) => cancelOne(j, j, credentials)));

      // The rest: wait for workers still holding one, then cancel what they (or a worker that
      // died) got to the provider.
      let unknown = atProvider.filter((j) => j.provider_job_id === null).map((j) => j.id);
      const held = (j: EndedJob) => j.lease_owner !== null && (j.lease_expires_at ?? '') > nowIso;
      let waiting = new Set(atProvider.filter((j) => j.provider_job_id === null && held(j)).map((j) => j.id));
      const deadline = Date.now() + leaseWaitMs;
      while (unknown.length > 0) {
        const rows = await store.providerSideOf(db, unknown);
        const stillHeld = new Set(rows.filter((r) => r.lease_owner !== null && waiting.has(r.id)).map((r) => r.id));
        const settled = rows.filter((r) => !stillHeld.has(r.id));
        await Promise.all(
          settled.flatMap((r) => {
            const job = byId.get(r.id);
            return job && (r.provider_job_id !== null || r.submit_attempt_id !== null) ? [cancelOne(job, r, credentials)] : [];
          }),
        );
        unknown = [...stillHeld];
        waiting = stillHeld;
        if (unknown.length === 0) break;
        if (Date.now() >= deadline) {
          log.warn({ job_ids: unknown }, 'organization deleted: a worker still holds these jobs; they may reach the provider');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
}
