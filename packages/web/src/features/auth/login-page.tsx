import { SecondFactorRequiredError } from '@qonduit/sdk';
import type { Qonduit, SecondFactorChallenge, User } from '@qonduit/sdk';
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
  // After a right password on an account with a second factor: the sign-in to finish.
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(null);
  const [code, setCode] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const action = useAction();
  const errors = fieldErrors(action.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await action.run(async () => {
      try {
        return await client.auth.login({ email, password });
      } catch (err) {
        if (!(err instanceof SecondFactorRequiredError)) throw err;
        setChallenge(err.challenge);
        return null;
      }
    });
    if (result.ok && result.value) onSignedIn(result.value);
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    if (!challenge) return;
    const answer = useRecovery ? { recovery_code: code.trim() } : { code: code.replace(/\s+/g, '') };
    const result = await action.run(() => client.auth.loginSecondFactor({ challenge_id: challenge.id, ...answer }));
    if (result.ok) onSignedIn(result.value);
  }

  if (challenge) {
    return (
      <AuthLayout title="Two-factor sign-in" footer={<button type="button" className="button button-small" onClick={() => setChallenge(null)}>Start again</button>}>
        <form className="stack" onSubmit={submitCode}>
          <ErrorAlert error={action.error} context={{ signingIn: true }} />
          <Field label={useRecovery ? 'Recovery code' : 'Authentication code'} error={errors.code ?? errors.recovery_code}>
            {(control) => (
              <input
                {...control}
                className="input"
                autoComplete="one-time-code"
                inputMode={useRecovery ? 'text' : 'numeric'}
                required
                autoFocus
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button button-primary button-block" disabled={action.pending}>
            {action.pending ? 'Checking…' : 'Verify'}
          </button>
          {challenge.methods.includes('recovery_code') && (
            <button type="button" className="button button-small" onClick={() => setUseRecovery(!useRecovery)}>
              {useRecovery ? 'Use your authenticator app' : 'Use a recovery code'}
            </button>
          )}
        </form>
      </AuthLayout>
    );
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
