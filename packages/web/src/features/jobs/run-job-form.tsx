import { DEFAULT_SHOTS, detectInputFormat } from '@qonduit/sdk';
import type { Job, JobEstimate, Qonduit } from '@qonduit/sdk';
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field } from '../../shared/ui';
import { useAction, useLoad } from '../../shared/use-async';
import { BELL_CIRCUIT } from './job-labels';

interface Props {
  client: Qonduit;
  accountLabel: string;
  onSubmitted: (job: Job) => void;
}

/** Runs an OpenQASM circuit on a backend, for the account chosen in the switcher. */
export function RunJobForm({ client, accountLabel, onSubmitted }: Props) {
  const backends = useLoad((signal) => client.backends.list({}, { signal }), [client]);
  const [backendId, setBackendId] = useState('local.simulator');
  const [shots, setShots] = useState(String(DEFAULT_SHOTS));
  const [program, setProgram] = useState(BELL_CIRCUIT);
  const [name, setName] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);

  const qasmBackends = (backends.data ?? []).filter((b) => b.qonduit.input_formats.some((f) => f.includes('QASM')));
  const backend = qasmBackends.find((b) => b.id === backendId);
  const range = backend?.configuration.shots_range;
  const estimate = useEstimate(client, backendId, shots, program);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() =>
      client.jobs.submit({
        backend_id: backendId,
        shots: Number(shots),
        input: program,
        input_format: detectInputFormat(program),
        ...(name.trim() ? { name: name.trim() } : {}),
      }),
    );
    if (result.ok) onSubmitted(result.value);
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Run a circuit">
      <p className="subtle">Runs for {accountLabel}, with its provider token for the backend&apos;s provider.</p>
      <ErrorAlert error={backends.error} />
      <ErrorAlert error={action.error} />
      <div className="row">
        <Field className="field-wide" label="Backend" error={errors.backend_id}>
          {(control) => (
            <select {...control} className="select" value={backendId} onChange={(e) => setBackendId(e.target.value)} disabled={!backends.data}>
              {!backends.data && <option value={backendId}>{backendId}</option>}
              {qasmBackends.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name} ({b.id}){b.status === 'ONLINE' ? '' : ` · ${b.status.toLowerCase()}`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field className="field-shots" label="Shots" error={errors.shots} hint={range ? `${range.min.toLocaleString()} to ${range.max.toLocaleString()}` : undefined}>
          {(control) => (
            <input {...control} className="input" type="number" inputMode="numeric" required min={range?.min ?? 1} max={range?.max} value={shots} onChange={(e) => setShots(e.target.value)} />
          )}
        </Field>
        <Field label="Name (optional)" error={errors.name}>
          {(control) => <input {...control} className="input" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </div>
      <Field label="OpenQASM program" hint="OpenQASM 2 or 3; the version line decides which." error={errors.input}>
        {(control) => <textarea {...control} className="input mono code" rows={8} required spellCheck={false} value={program} onChange={(e) => setProgram(e.target.value)} />}
      </Field>
      <CostEstimateNote estimate={estimate} />
      <div>
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {action.pending ? 'Submitting…' : 'Run circuit'}
        </button>
      </div>
    </form>
  );
}

/** What the job would cost, asked of the server (POST /quantum/jobs/estimate) a moment after the form settles. */
function useEstimate(client: Qonduit, backendId: string, shots: string, program: string): JobEstimate | null {
  const [estimate, setEstimate] = useState<JobEstimate | null>(null);
  useEffect(() => {
    const n = Number(shots);
    if (!Number.isInteger(n) || n < 1 || program.trim() === '') {
      setEstimate(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      client.jobs
        .estimate({ backend_id: backendId, shots: n, input: program, input_format: detectInputFormat(program) }, { signal: controller.signal })
        .then(setEstimate, () => {
          // A program the server cannot read is reported when it is submitted; no estimate meanwhile.
          if (!controller.signal.aborted) setEstimate(null);
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [client, backendId, shots, program]);
  return estimate;
}

function CostEstimateNote({ estimate }: { estimate: JobEstimate | null }) {
  if (!estimate) return null;
  const cost = estimate.estimated_cost;
  return (
    <div className="stack" aria-live="polite">
      <p className="subtle cost-estimate" data-testid="cost-estimate">
        {cost === null
          ? `Estimated cost: nothing (${estimate.backend_id} is not paid for).`
          : `Estimated cost: $${cost.amount.toFixed(cost.amount < 1 ? 4 : 2)} ${cost.currency} ($${cost.per_task} per task + $${cost.per_shot} per shot; ${cost.basis}; prices of ${cost.prices_as_of}).`}
      </p>
      {estimate.refusal && (
        <p className="alert alert-warning" role="status">
          This job would be refused: {estimate.refusal.message}
        </p>
      )}
    </div>
  );
}
