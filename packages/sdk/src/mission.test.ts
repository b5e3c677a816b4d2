import { startFakeIonq } from '@qonduit/runtime/testing';
import type { FakeIonq } from '@qonduit/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, PermissionError, ValidationError } from './errors';
import { startTestServer } from '@qonduit/testing';
import type { TestServer } from '@qonduit/testing';

// The whole mission through the SDK against a real server: an account, a token, an
// organization with an IonQ token (a fake IonQ on 127.0.0.1), jobs on the local simulator and
// on IonQ with the organization's token, then rotation.

const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const IONQ_KEY = 'IonQkey0123456789abcdefghijklmno';

let ionq: FakeIonq;
let server: TestServer;

beforeAll(async () => {
  ionq = await startFakeIonq({ apiKey: IONQ_KEY, pollsUntilDone: 3 });
  server = await startTestServer({ env: { QONDUIT_PROVIDER_IONQ_URL: ionq.url } });
});
afterAll(async () => {
  await server.close();
  await ionq.close();
});

describe('the SDK mission against a real server', () => {
  it('runs Bell circuits on the local simulator and on IonQ with the organization’s token', async () => {
    const ada = await server.signUp({ name: 'Ada Lovelace' });
    const created = await ada.createToken({ scopes: ['api', 'quantum_tokens'] });
    const qonduit = server.client({ token: created.token });

    const local = await qonduit.jobs.run(BELL, { backend: 'local.simulator', shots: 200, name: 'bell', pollIntervalMs: 20 });
    expect(local.job).toMatchObject({ status: 'COMPLETED', backend_id: 'local.simulator', shots: 200, name: 'bell' });
    expect(Object.keys(local.result.counts).sort()).toEqual(['00', '11']);
    expect(Object.values(local.result.counts).reduce((a, b) => a + b, 0)).toBe(200);

    const org = await qonduit.orgs.create({ name: 'Grace Labs' });
    await qonduit.providerTokens.set('ionq', { api_key: IONQ_KEY }, { org: org.id });
    const lab = qonduit.withOrganization(org.id);
    expect((await lab.backends.status('ionq.simulator')).provider_token_valid).toBe(true);
    const seen: string[] = [];
    const remote = await lab.jobs.run(BELL, { backend: 'ionq.simulator', shots: 100, pollIntervalMs: 20, onStatus: (s) => seen.push(s) });
    expect(remote.job).toMatchObject({ status: 'COMPLETED', token_source: 'organization', provider: 'AZURE', qonduit: { provider: 'ionq', provider_name: 'IonQ' } });
    expect(seen.at(-1)).toBe('COMPLETED');
    expect(ionq.requests.some((r) => r.headers.authorization === `apiKey ${IONQ_KEY}`)).toBe(true);

    // The organization's jobs are listed in its context, not in the personal one.
    expect((await lab.jobs.list()).map((j) => j.id)).toEqual([remote.job.id]);
    expect((await qonduit.jobs.list({ page: 0, size: 10 })).content.map((j) => j.id)).toEqual([local.job.id]);

    const rotated = await qonduit.tokens.rotate(created.id);
    await expect(qonduit.user.get()).rejects.toBeInstanceOf(AuthenticationError);
    expect((await server.client({ token: rotated.token }).jobs.get(local.job.id)).id).toBe(local.job.id);
  });

  it('names what is missing: no provider token, a token without quantum_tokens for a provider backend', async () => {
    const bob = await server.signUp({ name: 'Bob' });
    const full = server.client({ token: (await bob.createToken({ scopes: ['api', 'quantum_tokens'] })).token });
    const missing = await full.jobs.run(BELL, { backend: 'ionq.simulator' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing).toMatchObject({ code: 'provider_token_missing' });

    // An `api` token runs on local.simulator, which spends no provider token, and nowhere else.
    const apiOnly = server.client({ token: (await bob.createToken({ scopes: ['api'] })).token });
    const refused = await apiOnly.jobs.run(BELL, { backend: 'ionq.simulator' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PermissionError);
    expect((refused as PermissionError).missingScopes).toEqual(['quantum_tokens']);
    expect((await apiOnly.jobs.run(BELL, { backend: 'local.simulator' })).job.token_source).toBe('none');
  });

  it('cancels a job it stops waiting for when asked to', async () => {
    const cleo = await server.signUp({ name: 'Cleo' });
    const client = server.client({ token: (await cleo.createToken({ scopes: ['api', 'quantum_tokens'] })).token });
    await client.providerTokens.set('ionq', { api_key: IONQ_KEY });
    const stop = new AbortController();
    let id = '';
    // Stopped once the job runs at IonQ. (Cancelling while the worker is submitting it can be
    // lost on the server: its post-submit write overwrites the cancellation; reported.)
    const run = client.jobs.run(BELL, {
      backend: 'ionq.simulator',
      signal: stop.signal,
      cancelOnAbort: true,
      pollIntervalMs: 20,
      onStatus: (status, job) => {
        id = job.id;
        if (status === 'RUNNING') stop.abort(new Error('enough'));
      },
    });
    await expect(run).rejects.toThrow('enough');
    const status = await client.jobs.status(id);
    expect(['CANCELLING', 'CANCELLED']).toContain(status);
  });
});
