import type { Backend, Job } from '@qonduit/sdk';
import { shortIds } from '../ids';
import { renderFields, renderTable } from './table';
import { elapsed, relativeTime, shortDate } from './time';

/** Whose provider token a job spends, in words. */
export function tokenSourceText(source: Job['token_source']): string {
  switch (source) {
    case 'organization':
      return "the organization's provider token";
    case 'user':
      return 'your own provider token';
    case 'platform':
      return "the platform's provider token";
    case 'none':
      return 'no provider token (none needed)';
  }
}

/** Whose provider token a job would spend now, as the server's resolver says. */
export function accessText(b: Pick<Backend, 'qonduit'>): string {
  switch (b.qonduit.access) {
    case 'organization':
      return "organization's token";
    case 'user':
      return 'your token';
    case 'platform':
      return 'platform token';
    case 'none':
      return 'none: add a token';
    case 'not_needed':
      return 'no token needed';
  }
}

export function backendsTable(backends: readonly Backend[]): string {
  return renderTable<Backend>(
    [
      { header: 'ID', value: (b) => b.id },
      { header: 'Provider', value: (b) => b.qonduit.provider_name },
      { header: 'Type', value: (b) => b.type },
      { header: 'Qubits', value: (b) => String(b.configuration.qubit_count), align: 'right' },
      { header: 'Status', value: (b) => b.status },
      { header: 'Access', value: accessText },
    ],
    backends,
  );
}

export function backendFields(b: Backend): string {
  const c = b.configuration;
  return renderFields([
    ['id', b.id],
    ['name', b.name],
    ['provider', `${b.qonduit.provider_name} (${b.qonduit.provider}; PlanQK SDK: ${b.provider}, hardware ${b.hardware_provider})`],
    ['type', b.type],
    ['status', b.status],
    ['access', `${accessText(b)} (${b.access_type})`],
    ['qubits', String(c.qubit_count)],
    ['shots', `${c.shots_range.min} to ${c.shots_range.max}`],
    ['gates', c.gates.map((g) => g.name).join(' ') || '-'],
    ['input formats', b.qonduit.input_formats.join(', ') || '-'],
    ['connectivity', c.connectivity.fully_connected ? 'fully connected' : `${Object.keys(c.connectivity.graph).length} qubits with couplings`],
    ['about', b.documentation.description || '-'],
    ['docs', b.documentation.url || '-'],
  ]);
}

function duration(job: Job): string {
  if (!job.started_at) return '-';
  const end = job.ended_at ? Date.parse(job.ended_at) : Date.now();
  return elapsed(end - Date.parse(job.started_at));
}

export function jobsTable(jobs: readonly Job[], now: Date): string {
  const short = shortIds(jobs.map((j) => j.id));
  return renderTable<Job>(
    [
      { header: 'ID', value: (j) => short.get(j.id) ?? j.id },
      { header: 'Name', value: (j) => j.name ?? '-', maxWidth: 24 },
      { header: 'Backend', value: (j) => j.backend_id },
      { header: 'Status', value: (j) => j.status },
      { header: 'Shots', value: (j) => String(j.shots), align: 'right' },
      { header: 'Created', value: (j) => relativeTime(j.created_at, now) },
      { header: 'Token', value: (j) => j.token_source },
    ],
    jobs,
  );
}

export function jobFields(job: Job): string {
  return renderFields([
    ['id', job.id],
    ['name', job.name ?? '-'],
    ['backend', `${job.backend_id} (${job.qonduit.provider_name})`],
    ['status', job.status],
    ['shots', String(job.shots)],
    ['input', job.qonduit.input_format],
    ['tags', job.tags.join(', ') || '-'],
    ['token', tokenSourceText(job.token_source)],
    // Recorded at submission from the server's price table; absent on a backend without a price.
    ...(job.qonduit.estimated_cost ? [['estimated cost', `$${job.qonduit.estimated_cost.amount.toFixed(2)} ${job.qonduit.estimated_cost.currency}`] as const] : []),
    ['created', shortDate(job.created_at)],
    ['started', shortDate(job.started_at)],
    ['ended', shortDate(job.ended_at)],
    ['ran for', duration(job)],
    ...(job.error_message ? [['error', job.error_message] as const] : []),
  ]);
}
