import type { Qonduit, User } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from '../../app/router';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field } from '../../shared/ui';
import { useAction } from '../../shared/use-async';
import { AuthLayout } from './auth-layout';

const MIN_PASSWORD = 8;

export function SignupPage({ client, onSignedIn }: { client: Qonduit; onSignedIn: (user: User) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() => client.auth.signup({ name: name.trim(), email, password }));
    if (result.ok) onSignedIn(result.value);
  }

  return (
    <AuthLayout
      title="Create your account"
      footer={
        <>
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <form className="stack" onSubmit={submit}>
        <ErrorAlert error={action.error} />
        <Field label="Name" error={errors.name}>
          {(control) => <input {...control} className="input" autoComplete="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Email" error={errors.email}>
          {(control) => <input {...control} className="input" type="email" autoComplete="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Password" hint={`At least ${MIN_PASSWORD} characters. A long passphrase is best.`} error={errors.password}>
          {(control) => (
            <input
              {...control}
              className="input"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_PASSWORD}
              maxLength={256}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary button-block" disabled={action.pending}>
          {action.pending ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
    </AuthLayout>
  );
}
