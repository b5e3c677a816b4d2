import { AuthenticationError } from '@qonduit/sdk';
import type { Qonduit, User } from '@qonduit/sdk';
import { useCallback, useEffect, useState } from 'react';
import { LoginPage } from '../features/auth/login-page';
import { SignupPage } from '../features/auth/signup-page';
import { ErrorAlert, Loading } from '../shared/ui';
import { SESSION_LOST } from './api-client';
import { navigate, usePath } from './router';
import { Routes } from './routes';
import { SessionProvider } from './session-provider';
import { TopBar } from './top-bar';

type State =
  | { kind: 'loading' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'anonymous'; notice: string | null }
  | { kind: 'signed-in'; user: User };

export function App({ client, events }: { client: Qonduit; events: EventTarget }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const path = usePath();

  const check = useCallback(() => {
    setState({ kind: 'loading' });
    client.user.get().then(
      (user) => setState({ kind: 'signed-in', user }),
      (error: unknown) => setState(error instanceof AuthenticationError ? { kind: 'anonymous', notice: null } : { kind: 'failed', error }),
    );
  }, [client]);

  useEffect(check, [check]);

  useEffect(() => {
    const onLost = () =>
      setState((current) => (current.kind === 'signed-in' ? { kind: 'anonymous', notice: 'Your session has ended. Please sign in again.' } : current));
    events.addEventListener(SESSION_LOST, onLost);
    return () => events.removeEventListener(SESSION_LOST, onLost);
  }, [events]);

  const signedIn = useCallback((user: User) => {
    setState({ kind: 'signed-in', user });
    if (path === '/login' || path === '/signup') navigate('/', { replace: true });
  }, [path]);

  const signedOut = useCallback(() => {
    setState({ kind: 'anonymous', notice: 'You have signed out.' });
    navigate('/login');
  }, []);

  switch (state.kind) {
    case 'loading':
      return (
        <main className="centered">
          <Loading />
        </main>
      );
    case 'failed':
      return (
        <main className="centered stack">
          <ErrorAlert error={state.error} />
          <button type="button" className="button" onClick={check}>
            Try again
          </button>
        </main>
      );
    case 'anonymous':
      return path === '/signup' ? (
        <SignupPage client={client} onSignedIn={signedIn} />
      ) : (
        <LoginPage client={client} onSignedIn={signedIn} notice={state.notice} />
      );
    case 'signed-in':
      return (
        <SessionProvider client={client} user={state.user} onSignedOut={signedOut}>
          <a className="skip-link" href="#main">
            Skip to content
          </a>
          <TopBar />
          <main id="main" className="main">
            <Routes path={path} />
          </main>
        </SessionProvider>
      );
  }
}
