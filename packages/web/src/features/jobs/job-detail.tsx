import { TERMINAL_STATUSES } from '@qonduit/sdk';
import type { Job, JobResult, Qonduit } from '@qonduit/sdk';
import { useEffect, useState } from 'react';
import { Badge, ErrorAlert, Loading, Section, Time } from '../../shared/ui';
import { CountsChart } from './counts-chart';
import { STATUS_TONE, TOKEN_SOURCE } from './job-labels';

interface Props {
  client: Qonduit;
  job: Job;
  /** Called when a job that was still running has finished, so the list can catch up. */
  onFinished: (job: Job) => void;
}

/** One job: waits for it while it runs, then shows its counts (or why it failed). */
export function JobDetail({ client, job: initial, onFinished }: Props) {
  const [job, setJob] = useState(initial);
  const [result, setResult] = useState<JobResult | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setJob(initial);
    setResult(null);
    setError(null);
    const follow = async () => {
      let current = initial;
      if (!TERMINAL_STATUSES.has(current.status)) {
        current = await client.jobs.wait(initial.id, { signal, pollIntervalMs: 300, maxPollIntervalMs: 2_000, onStatus: (status) => setJob((j) => ({ ...j, status })) });
        setJob(current);
        onFinished(current);
      }
      if (current.status === 'COMPLETED') setResult(await client.jobs.result(current.id, { signal }));
    };
    follow().catch((err: unknown) => {
      if (!signal.aborted) setError(err);
    });
    return () => controller.abort();
    // Follow again only for another job; onFinished may change identity on every render.
  }, [client, initial.id]);

  const title = job.name ? `Job “${job.name}”` : `Job ${job.id}`;
  return (
    <Section title={title} description={<span className="mono subtle">{job.id}</span>}>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <Badge tone={STATUS_TONE[job.status]}>{job.status.toLowerCase()}</Badge>
          </dd>
        </div>
        <div>
          <dt>Backend</dt>
          <dd className="mono">{job.backend_id}</dd>
        </div>
        <div>
          <dt>Provider</dt>
          <dd>{job.qonduit.provider_name}</dd>
        </div>
        <div>
          <dt>Token source</dt>
          <dd>{TOKEN_SOURCE[job.token_source]}</dd>
        </div>
        {job.qonduit.estimated_cost && (
          <div>
            <dt>Estimated cost</dt>
            <dd>
              ${job.qonduit.estimated_cost.amount.toFixed(2)} {job.qonduit.estimated_cost.currency}
            </dd>
          </div>
        )}
        <div>
          <dt>Submitted</dt>
          <dd>
            <Time iso={job.created_at} />
          </dd>
        </div>
      </dl>
      <ErrorAlert error={error} context={{ subject: 'This job' }} />
      {job.status === 'FAILED' && (
        <div role="alert" className="alert alert-error">
          The job failed: {job.error_message ?? 'the provider gave no reason.'}
        </div>
      )}
      {!TERMINAL_STATUSES.has(job.status) && <Loading label={`Waiting for the job: ${job.status.toLowerCase()}…`} />}
      {result && <CountsChart result={result} caption="Measurement counts" />}
    </Section>
  );
}
