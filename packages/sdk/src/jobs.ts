import type { InputFormat, JobStatus } from '@qonduit/contract';
import { JobCancelledError, ProviderError } from './errors';
import { abortableSleep } from './http';
import type { RequestOptions, Transport } from './http';
import type { Job, JobEstimate, JobListQuery, JobPage, JobResult, JobStatusAnswer, SubmitJobRequest } from './types';

/** `IONQ_CIRCUIT_V1` input: IonQ's JSON circuit. */
export interface IonqCircuit {
  qubits: number;
  circuit: ReadonlyArray<Record<string, unknown>>;
}

export type Circuit = string | IonqCircuit;

export interface WaitOptions {
  signal?: AbortSignal;
  /** First wait between status checks; it grows by half each time up to maxPollIntervalMs. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Called on every status seen, for progress output. */
  onStatus?: (status: JobStatus, job: { id: string; elapsedMs: number }) => void;
  /** Tests replace the clock and the wait. */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  now?: () => number;
}

export interface RunOptions extends WaitOptions {
  /** The backend id, as `backends.list()` names it (`local.simulator`, `ionq.simulator`, ...). */
  backend: string;
  shots?: number;
  /** Detected from the circuit when left out: OpenQASM 2 or 3 text, or an IonQ JSON circuit. */
  inputFormat?: InputFormat;
  name?: string;
  tags?: string[];
  /** Cancel the job too when the signal aborts (by default only the waiting stops). */
  cancelOnAbort?: boolean;
  /** Called once the job is accepted, before the waiting starts (to show or keep its id). */
  onSubmitted?: (job: Job) => void;
  idempotencyKey?: string;
}

export interface JobRun {
  job: Job;
  result: JobResult;
}

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
export const DEFAULT_SHOTS = 1000;

/** OPENQASM 2.x, OPENQASM 3.x, or an IonQ JSON circuit; QASM without a version line is read as 3. */
export function detectInputFormat(circuit: Circuit): InputFormat {
  if (typeof circuit !== 'string') return 'IONQ_CIRCUIT_V1';
  const header = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*OPENQASM\s+(\d+)/.exec(circuit);
  return header?.[1] === '2' ? 'OPEN_QASM_V2' : 'OPEN_QASM_V3';
}

export function createJobsApi(request: Transport) {
  const path = (id: string) => `/quantum/jobs/${encodeURIComponent(id)}`;

  const api = {
    /** Submits a job; its provider token is resolved by the server for this client's account. */
    submit: (body: SubmitJobRequest, options?: RequestOptions) => request<Job>({ method: 'POST', path: '/quantum/jobs', body }, options),

    /**
     * What a submission of `body` would cost (from the server's price table) and whether it would be
     * accepted now (`refusal`: a spending limit, or no provider token); creates no job.
     */
    estimate: (body: SubmitJobRequest, options?: RequestOptions) =>
      request<JobEstimate>({ method: 'POST', path: '/quantum/jobs/estimate', body }, options),

    /** Your jobs, newest first: all of them, or one page with `{ page, size }` (PlanQK's `{content, last}`). */
    list: ((query?: JobListQuery, options?: RequestOptions) =>
      request<Job[] | JobPage>({ method: 'GET', path: '/quantum/jobs', query: { page: query?.page, size: query?.size } }, options)) as {
      (query?: undefined, options?: RequestOptions): Promise<Job[]>;
      (query: JobListQuery, options?: RequestOptions): Promise<JobPage>;
    },

    get: (id: string, options?: RequestOptions) => request<Job>({ method: 'GET', path: path(id) }, options),

    status: async (id: string, options?: RequestOptions) =>
      (await request<JobStatusAnswer>({ method: 'GET', path: `${path(id)}/status` }, options)).status,

    result: (id: string, options?: RequestOptions) => request<JobResult>({ method: 'GET', path: `${path(id)}/result` }, options),

    /** Asks the provider to cancel; the job passes through CANCELLING to CANCELLED. */
    cancel: async (id: string, options?: RequestOptions): Promise<void> => {
      await request<unknown>({ method: 'DELETE', path: path(id) }, options);
    },

    /**
     * Polls until the job is COMPLETED, FAILED or CANCELLED, waiting longer between checks as
     * it runs; returns the finished job. An aborted signal stops the waiting, not the job.
     */
    wait: async (id: string, options: WaitOptions = {}): Promise<Job> => {
      const sleep = options.sleep ?? abortableSleep;
      const now = options.now ?? Date.now;
      const started = now();
      const max = options.maxPollIntervalMs ?? 5_000;
      let interval = options.pollIntervalMs ?? 250;
      for (;;) {
        const status = await api.status(id, options.signal ? { signal: options.signal } : {});
        options.onStatus?.(status, { id, elapsedMs: now() - started });
        if (TERMINAL_STATUSES.has(status)) return api.get(id, options.signal ? { signal: options.signal } : {});
        await sleep(interval, options.signal);
        interval = Math.min(max, Math.ceil(interval * 1.5));
      }
    },

    /**
     * Submits a circuit, waits for it, and returns the job with its counts. Throws
     * `ProviderError` when the job failed at its provider and `JobCancelledError` when it was
     * cancelled.
     */
    run: async (circuit: Circuit, options: RunOptions): Promise<JobRun> => {
      const signal = options.signal;
      signal?.throwIfAborted();
      const submitted = await api.submit(
        {
          backend_id: options.backend,
          shots: options.shots ?? DEFAULT_SHOTS,
          input: typeof circuit === 'string' ? circuit : { qubits: circuit.qubits, circuit: [...circuit.circuit] },
          input_format: options.inputFormat ?? detectInputFormat(circuit),
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.tags !== undefined ? { tags: options.tags } : {}),
        },
        { ...(signal ? { signal } : {}), ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}) },
      );
      options.onSubmitted?.(submitted);
      let job: Job;
      try {
        job = await api.wait(submitted.id, options);
      } catch (err) {
        if (signal?.aborted && options.cancelOnAbort) await api.cancel(submitted.id).catch(() => undefined);
        throw err;
      }
      return { job, result: await resultOf(job, signal) };
    },
  };

  async function resultOf(job: Job, signal: AbortSignal | undefined): Promise<JobResult> {
    switch (job.status) {
      case 'COMPLETED':
        return api.result(job.id, signal ? { signal } : {});
      case 'FAILED':
        throw new ProviderError(`Job ${job.id} failed at ${job.qonduit.provider_name}: ${job.error_message ?? 'no reason given'}`, {
          code: 'job_failed',
          status: 0,
          jobId: job.id,
          provider: job.qonduit.provider,
        });
      case 'CANCELLED':
      case 'CANCELLING':
        throw new JobCancelledError(job.id);
      case 'PENDING':
      case 'RUNNING':
        // wait() returns finished jobs only; a job that moved back is the server's bug.
        throw new ProviderError(`Job ${job.id} is ${job.status}, not finished`, { code: 'unexpected_response', status: 0, jobId: job.id });
    }
  }

  return api;
}

export type JobsApi = ReturnType<typeof createJobsApi>;
