import { Qonduit } from '@qonduit/sdk';

export const SESSION_LOST = 'session-lost';

/**
 * The SDK client the whole UI uses: a cookie session on this origin. Any 401 outside the
 * sign-in calls means the session ended (expired, or signed out in another tab), which the app
 * hears through `events` to show the sign-in form again.
 */
export function createBrowserClient(events: EventTarget): Qonduit {
  const observedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (response.status === 401 && !url.includes('/api/v1/auth/')) events.dispatchEvent(new Event(SESSION_LOST));
    return response;
  };
  return new Qonduit({
    baseUrl: window.location.origin,
    token: null,
    organizationId: null,
    env: {},
    configFile: null,
    fetch: observedFetch,
  });
}
