import type { Job } from '@qonduit/sdk';
import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../../app/session';
import { ErrorAlert, Loading, PageHeader, Section } from '../../shared/ui';
import { useLoad } from '../../shared/use-async';
import { JobDetail } from './job-detail';
import { JobTable } from './job-table';
import { RunJobForm } from './run-job-form';

const PAGE_SIZE = 25;

export function JobsPage() {
  const { account, accountClient } = useSession();
  const jobs = useLoad((signal) => accountClient.jobs.list({ page: 0, size: PAGE_SIZE }, { signal }), [accountClient]);
  const [selected, setSelected] = useState<Job | null>(null);
  // A job of the account switched away from is not this account's to show.
  useEffect(() => setSelected(null), [account.id]);
  // Until a job is picked, the newest one is shown: its counts are what one came to see.
  const shown = selected ?? jobs.data?.content[0] ?? null;
  const accountLabel = account.isOrganization ? `the organization ${account.displayName}` : 'your personal account';

  const { reload } = jobs;
  const submitted = useCallback(
    (job: Job) => {
      setSelected(job);
      reload();
    },
    [reload],
  );

  return (
    <div className="page page-wide">
      <PageHeader title="Jobs" description={`Quantum jobs of ${accountLabel}. Switch accounts at the top to see another's.`} />
      <Section title="Run a circuit">
        <RunJobForm key={account.id} client={accountClient} accountLabel={accountLabel} onSubmitted={submitted} />
      </Section>
      {shown && <JobDetail key={shown.id} client={accountClient} job={shown} onFinished={reload} />}
      <Section title="Recent jobs">
        <ErrorAlert error={jobs.error} />
        {jobs.data ? <JobTable jobs={jobs.data.content} selectedId={shown?.id ?? null} onSelect={setSelected} /> : !jobs.error && <Loading />}
      </Section>
    </div>
  );
}
