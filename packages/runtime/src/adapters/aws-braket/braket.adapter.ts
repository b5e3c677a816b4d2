import { randomUUID } from 'node:crypto';
import { braketUrl, joinUrl, s3ObjectUrl } from '../../providers/base-urls';
import { asRecord, credentialField, isRecord, sendJson, stringField, verifyWith } from '../http';
import { ProviderError } from '../types';
import type { AdapterContext, Credential, JobAdapter, ProviderJobState } from '../types';
import { braketResultToCounts } from './braket.results';
import { awsSecrets, signedHeaders } from './sigv4';

// Amazon Braket REST API (SigV4, service "braket", https://braket.<region>.amazonaws.com):
// SearchDevices, CreateQuantumTask with an OpenQASM 3 action, GetQuantumTask,
// CancelQuantumTask; results are read from the task's S3 directory (SigV4, service "s3").
// The backend string is the device ARN.

const PROVIDER = 'Amazon Braket';
/** Where in the credential's bucket task results go; Braket adds /<task id>. */
export const OUTPUT_PREFIX = 'qonduit-tasks';

async function braket(
  ctx: AdapterContext,
  credential: Credential,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const url = joinUrl(braketUrl(ctx.urls, credentialField(credential, 'region', PROVIDER)), path);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers = await signedHeaders(
    { method, url, body: text, headers: text === undefined ? {} : { 'content-type': 'application/json' } },
    'braket',
    credential,
    ctx.clock.now(),
  );
  return sendJson(ctx, {
    provider: PROVIDER,
    method,
    url,
    headers: { accept: 'application/json', ...headers },
    body: text,
    secrets: awsSecrets(credential),
  });
}

const taskPath = (arn: string) => `quantum-task/${encodeURIComponent(arn)}`;

async function getTask(
  arn: string,
  credential: Credential,
  ctx: AdapterContext,
): Promise<Record<string, unknown>> {
  return asRecord(await braket(ctx, credential, 'GET', taskPath(arn)), PROVIDER, 'quantum task');
}

const STATES: Readonly<Record<string, ProviderJobState['status']>> = {
  CREATED: 'PENDING',
  QUEUED: 'PENDING',
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  CANCELLING: 'RUNNING',
  CANCELLED: 'CANCELLED',
};

export function createBraketAdapter(): JobAdapter {
  return {
    id: 'aws_braket',
    idempotentSubmit: true,

    verify: (credential, ctx) =>
      verifyWith(() => braket(ctx, credential, 'POST', 'devices', { filters: [], maxResults: 1 })),

    async submit(job, credential, ctx) {
      const bucket = credential.s3_bucket;
      if (bucket === undefined || bucket === '') {
        throw new ProviderError(
          'rejected',
          'Amazon Braket writes results to S3: add s3_bucket (amazon-braket-...) to the AWS credential',
        );
      }
      if (!job.backend.startsWith('arn:aws:braket:')) {
        throw new ProviderError(
          'rejected',
          `a Braket backend is a device ARN (arn:aws:braket:...), not '${job.backend.slice(0, 80)}'`,
        );
      }
      const action = {
        braketSchemaHeader: { name: 'braket.ir.openqasm.program', version: '1' },
        source: job.qasm3,
      };
      const answer = asRecord(
        await braket(ctx, credential, 'POST', 'quantum-task', {
          action: JSON.stringify(action),
          deviceArn: job.backend,
          shots: job.shots,
          outputS3Bucket: bucket,
          outputS3KeyPrefix: OUTPUT_PREFIX,
          // CreateQuantumTask is idempotent per clientToken: asked again with the attempt's
          // token, Braket answers with the task the first call created instead of a second one.
          clientToken: job.attemptId,
          tags: { 'qonduit-job': job.jobId },
        }),
        PROVIDER,
        'task',
      );
      return { providerJobId: stringField(answer, 'quantumTaskArn', PROVIDER, 'task') };
    },

    async poll(providerJobId, credential, ctx) {
      const task = await getTask(providerJobId, credential, ctx);
      const raw = stringField(task, 'status', PROVIDER, 'task');
      const status = STATES[raw] ?? 'RUNNING';
      if (status === 'FAILED') {
        const reason =
          typeof task.failureReason === 'string'
            ? task.failureReason
            : 'Amazon Braket reported the task as failed';
        return { status, message: reason.slice(0, 500) };
      }
      return raw === 'CANCELLING' ? { status, message: 'cancelling' } : { status };
    },

    async result(providerJobId, job, credential, ctx) {
      const task = await getTask(providerJobId, credential, ctx);
      if (task.status !== 'COMPLETED')
        throw new ProviderError('rejected', `the Braket task is ${String(task.status)}, not COMPLETED`);
      const bucket = stringField(task, 'outputS3Bucket', PROVIDER, 'task');
      const directory = stringField(task, 'outputS3Directory', PROVIDER, 'task');
      const region = credentialField(credential, 'region', PROVIDER);
      const url = s3ObjectUrl(ctx.urls, region, bucket, `${directory}/results.json`);
      const headers = await signedHeaders({ method: 'GET', url }, 's3', credential, ctx.clock.now());
      const results = await sendJson(ctx, {
        provider: 'Amazon S3',
        method: 'GET',
        url,
        headers,
        secrets: awsSecrets(credential),
      });
      return { counts: braketResultToCounts(results, job.qubits, job.shots) };
    },

    async cancel(providerJobId, credential, ctx) {
      const answer = await braket(ctx, credential, 'PUT', `${taskPath(providerJobId)}/cancel`, {
        clientToken: randomUUID(),
      });
      if (!isRecord(answer))
        throw new ProviderError('protocol', `${PROVIDER} sent an unexpected cancel answer`);
    },

    // SigV4 signs the whole request, so the proxy must hand it over; only content-type and
    // x-amz-* headers are signed, and the proxy must forward the body unchanged.
    async proxyAuthHeaders(credential, ctx, request) {
      if (request === undefined)
        throw new ProviderError('rejected', 'Amazon Braket requests are signed one by one: pass the request');
      const signable: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        const lower = name.toLowerCase();
        // The signer writes its own x-amz-date, payload hash and session token.
        const signerOwned =
          lower === 'x-amz-date' || lower === 'x-amz-content-sha256' || lower === 'x-amz-security-token';
        if (lower === 'content-type' || (lower.startsWith('x-amz-') && !signerOwned)) {
          signable[lower] = value;
        }
      }
      return signedHeaders(
        { method: request.method, url: request.url, headers: signable, body: request.body },
        'braket',
        credential,
        ctx.clock.now(),
      );
    },
  };
}
