import { shortId } from '@qonduit/sdk';
import type { Job } from '@qonduit/sdk';
import { Badge, Time } from '../../shared/ui';
import { STATUS_TONE, TOKEN_SOURCE } from './job-labels';

export function JobTable({ jobs, selectedId, onSelect }: { jobs: readonly Job[]; selectedId: string | null; onSelect: (job: Job) => void }) {
  if (jobs.length === 0) return <p className="empty">No jobs yet. Run a circuit above.</p>;
  return (
    <table className="table responsive-table">
      <caption className="visually-hidden">Jobs</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Status</th>
          <th scope="col">Backend</th>
          <th scope="col">Token source</th>
          <th scope="col">Shots</th>
          <th scope="col">Submitted</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => (
          <tr key={job.id} className={job.id === selectedId ? 'row-selected' : undefined}>
            <th scope="row" data-label="Job">
              <button type="button" className="link-button" onClick={() => onSelect(job)} aria-pressed={job.id === selectedId}>
                {job.name ?? shortId(job.id)}
              </button>
            </th>
            <td data-label="Status">
              <Badge tone={STATUS_TONE[job.status]}>{job.status.toLowerCase()}</Badge>
            </td>
            <td data-label="Backend" className="mono">
              {job.backend_id}
            </td>
            <td data-label="Token source">{TOKEN_SOURCE[job.token_source]}</td>
            <td data-label="Shots">{job.shots.toLocaleString()}</td>
            <td data-label="Submitted">
              <Time iso={job.created_at} relative />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
