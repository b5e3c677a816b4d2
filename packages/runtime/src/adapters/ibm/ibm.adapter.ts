import { joinUrl } from '../../providers/base-urls';
import { asRecord, credentialField, isRecord, jsonHeaders, send, stringField, verifyWith } from '../http';
import type { HttpAnswer, HttpCall } from '../http';
import { ProviderError } from '../types';
import type { AdapterContext, Credential, JobAdapter, ProviderJobState } from '../types';
import { IamTokenCache } from './ibm.iam';
import { samplerResultToCounts } from './ibm.results';

// IBM Quantum Platform (Qiskit Runtime REST API, quantum.cloud.ibm.com/api/v1): an IAM bearer
// token, the instance CRN in `Service-CRN`, and a dated `IBM-API-Version`. The same API serves
// accounts that PlanQK calls IBM and IBM_CLOUD, so one adapter serves both catalog entries.

const PROVIDER = 'IBM Quantum';
/** The newest version listed as live by GET /versions when this adapter was written. */
export const IBM_API_VERSION = '2026-03-15';

const attemptTag = (attemptId: string) => `qonduit-attempt-${attemptId}`;

const STATES: Readonly<Record<string, ProviderJobState['status']>> = {
  queued: 'PENDING',
  running: 'RUNNING',
  completed: 'COMPLETED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
};

export function createIbmAdapter(id: 'ibm' | 'ibm_cloud' = 'ibm', tokens = new IamTokenCache()): JobAdapter {
  async function authHeaders(credential: Credential, ctx: AdapterContext): Promise<Record<string, string>> {
    const apiKey = credentialField(credential, 'api_key', PROVIDER);
    return {
      authorization: `Bearer ${await tokens.token(apiKey, ctx)}`,
      'service-crn': credentialField(credential, 'instance_crn', PROVIDER),
    };
  }

  // A 401 with a cached token may mean IBM revoked it early: exchange once more, then give up.
  async function runtime(
    ctx: AdapterContext,
    credential: Credential,
    method: HttpCall['method'],
    path: string,
    body?: unknown,
  ): Promise<HttpAnswer> {
    const apiKey = credentialField(credential, 'api_key', PROVIDER);
    const attempt = async (): Promise<HttpAnswer> => {
      const auth = await authHeaders(credential, ctx);
      return send(ctx, {
        provider: PROVIDER,
        method,
        url: joinUrl(ctx.urls.base[id], path),
        headers: jsonHeaders({ ...auth, 'ibm-api-version': IBM_API_VERSION }),
        body: body === undefined ? undefined : JSON.stringify(body),
        secrets: [apiKey, auth.authorization ?? ''],
      });
    };
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ProviderError) || error.status !== 401) throw error;
      tokens.forget(apiKey, ctx);
      return attempt();
    }
  }

  async function runtimeJson(
    ctx: AdapterContext,
    credential: Credential,
    method: HttpCall['method'],
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const answer = await runtime(ctx, credential, method, path, body);
    try {
      return JSON.parse(answer.text) as unknown;
    } catch (error) {
      throw new ProviderError('protocol', `${PROVIDER} answered with something that is not JSON`, {
        cause: error,
      });
    }
  }

  const jobPath = (providerJobId: string) => `jobs/${encodeURIComponent(providerJobId)}`;

  return {
    id,

    // The IAM exchange proves the key; listing backends proves the key may use the instance.
    verify: (credential, ctx) => verifyWith(() => runtime(ctx, credential, 'GET', 'backends')),

    async submit(job, credential, ctx) {
      // The Runtime API has no idempotency token; the tags let a lost submission be found.
      const body = {
        program_id: 'sampler',
        backend: job.backend,
        tags: [`qonduit-job-${job.jobId}`, attemptTag(job.attemptId)],
        params: { pubs: [[job.qasm3, null, job.shots]], version: 2 },
      };
      const answer = asRecord(await runtimeJson(ctx, credential, 'POST', 'jobs', body), PROVIDER, 'job');
      return { providerJobId: stringField(answer, 'id', PROVIDER, 'job') };
    },

    // GET /jobs filters by tags and creation time: the attempt's tag is unique.
    async findSubmitted(lookup, credential, ctx) {
      const since = new Date(Date.parse(lookup.since) - 10 * 60_000).toISOString();
      const query = `jobs?tags=${encodeURIComponent(attemptTag(lookup.attemptId))}&created_after=${encodeURIComponent(since)}&limit=10&exclude_params=true`;
      const answer = asRecord(await runtimeJson(ctx, credential, 'GET', query), PROVIDER, 'job list');
      const jobs = Array.isArray(answer.jobs) ? answer.jobs : [];
      for (const job of jobs) {
        if (isRecord(job) && typeof job.id === 'string' && Array.isArray(job.tags) && job.tags.includes(attemptTag(lookup.attemptId))) {
          return { providerJobId: job.id };
        }
      }
      return null;
    },

    async poll(providerJobId, credential, ctx) {
      const job = asRecord(
        await runtimeJson(ctx, credential, 'GET', jobPath(providerJobId)),
        PROVIDER,
        'job',
      );
      const state = isRecord(job.state) ? job.state : {};
      const raw =
        typeof state.status === 'string' ? state.status : typeof job.status === 'string' ? job.status : '';
      const status = STATES[raw.toLowerCase()];
      if (status === undefined) return { status: 'RUNNING', message: `IBM status '${raw.slice(0, 40)}'` };
      if (status !== 'FAILED') return { status };
      const reason =
        typeof state.reason === 'string' ? state.reason : 'IBM Quantum reported the job as failed';
      return { status, message: reason.slice(0, 500) };
    },

    async result(providerJobId, _job, credential, ctx) {
      return {
        counts: samplerResultToCounts(
          await runtimeJson(ctx, credential, 'GET', `${jobPath(providerJobId)}/results`),
        ),
      };
    },

    async cancel(providerJobId, credential, ctx) {
      await runtime(ctx, credential, 'POST', `${jobPath(providerJobId)}/cancel`);
    },

    proxyAuthHeaders: (credential, ctx) => authHeaders(credential, ctx),
  };
}
