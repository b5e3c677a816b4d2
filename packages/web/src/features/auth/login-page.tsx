import type { Qonduit, User } from '@qonduit/sdk';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from '../../app/router';
import { fieldErrors } from '../../shared/errors';
import { ErrorAlert, Field, Notice } from '../../shared/ui';
import { useAction } from '../../shared/use-async';
import { AuthLayout } from './auth-layout';

interface Props {
  client: Qonduit;
  onSignedIn: (user: User) => void;
  notice: string | null;
}

export function LoginPage({ client, onSignedIn, notice }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(() => client.auth.login({ email, password }));
    if (result.ok) onSignedIn(result.value);
  }

  return (
    <AuthLayout
      title="Sign in"
      footer={
        <>
          New to Qonduit? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      {notice && <Notice>{notice}</Notice>}
      <form className="stack" onSubmit={submit}>
        <ErrorAlert error={action.error} context={{ signingIn: true }} />
        <Field label="Email" error={errors.email}>
          {(control) => <input {...control} className="input" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Password" error={errors.password}>
          {(control) => (
            <input {...control} className="input" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="button button-primary button-block" disabled={action.pending}>
          {action.pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
