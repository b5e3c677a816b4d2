import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';

// With an operator's platform credential configured, backend lists say so only where the
// caller's context holds no token of its own: the same order the resolver spends them in.
const PLATFORM_KEY = 'PlatformIonQKey0123456789abcdefg';
const OWN_KEY = 'OwnIonQKey0123456789abcdefghijkl';
let t: TestApp;
let ada: Browser;

beforeAll(async () => {
  t = await createTestApp({ startWorker: false }, { QONDUIT_PLATFORM_CREDENTIALS_IONQ: JSON.stringify({ api_key: PLATFORM_KEY }) });
  ada = await signUp(t, 'Ada Lovelace');
});
afterAll(async () => {
  await t.close();
});

const accessOf = async (headers: Record<string, string> = {}) =>
  (await ada.request({ method: 'GET', url: '/quantum/backends/ionq.simulator', headers })).json<{ access_type: string; qonduit: { access: string } }>();

describe("a backend's access with a platform credential configured", () => {
  it("is the platform's until the account stores its own token, and an organization without one uses the platform's too", async () => {
    expect(await accessOf()).toMatchObject({ access_type: 'PAY_PER_USE', qonduit: { access: 'platform' } });
    await ada.request({ method: 'PUT', url: '/api/v1/user/provider-tokens/ionq', payload: { credentials: { api_key: OWN_KEY } } });
    expect(await accessOf()).toMatchObject({ access_type: 'TOKEN_BASED', qonduit: { access: 'user' } });
    const org = (await ada.request({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'Platform Lab' } })).json<{ id: string }>().id;
    expect(await accessOf({ 'x-organizationid': org })).toMatchObject({ access_type: 'PAY_PER_USE', qonduit: { access: 'platform' } });
  });
});
