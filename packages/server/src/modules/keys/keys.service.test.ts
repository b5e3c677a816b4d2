import { statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyFilePath } from '@qonduit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, signUp } from '../../test/harness';
import type { Browser, TestApp } from '../../test/harness';
import { createAuditService } from '../audit/audit.service';
import { createProviderTokenService } from '../provider-tokens/provider-tokens.service';
import { createKeyringHolder } from './keyring-holder';
import type { KeyringHolder } from './keyring-holder';
import { challengeOf, enrolTotp, passwordLogin, codeNow } from '../identity/test/two-factor.harness';
import { keyStatus, loadKeyring, retireMasterKey, rewrapAll, rotateMasterKey } from './keys.service';

const CREDENTIALS = {
  aqt: { token: 'aqt-token-0123456789abcdef' },
  ionq: { api_key: 'IonQkey0123456789abcdefghijklmno' },
  iqm: { token: 'iqm-token-0123456789abcdef' },
};

let dataDir: string;
let holder: KeyringHolder;
let t: TestApp;
let ada: Browser;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-keys-'));
  // The server reads the key file as `qonduit keys ...` leaves it, as in production.
  holder = createKeyringHolder(
    () => loadKeyring({}, dataDir),
    () => statSync(keyFilePath(dataDir), { throwIfNoEntry: false })?.mtimeMs ?? 0,
  );
  t = await createTestApp({ keyring: holder });
  ada = await signUp(t);
});
afterEach(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const setToken = (provider: keyof typeof CREDENTIALS) =>
  ada.request({ method: 'PUT', url: `/api/v1/user/provider-tokens/${provider}`, payload: { credentials: CREDENTIALS[provider] } });

async function records() {
  const service = createProviderTokenService({
    db: t.db,
    clock: t.clock,
    audit: createAuditService({ db: t.db, clock: t.clock }),
    keyring: createKeyringHolder(() => loadKeyring({}, dataDir)),
    adapterContext: { urls: { base: {} as never, awsBraket: undefined, awsBraketS3: undefined, ibmIam: '' }, fetch, clock: t.clock },
  });
  const rows = await t.db.selectFrom('provider_tokens').selectAll().orderBy('provider').execute();
  return rows.map((r) => ({
    provider: r.provider,
    keyId: r.key_id,
    ciphertext: (JSON.parse(r.sealed) as { ciphertext: string }).ciphertext,
    credential: service.open(r),
  }));
}

describe('master key rotation, rewrap and retirement', () => {
  it('rotates, rewraps every live record without changing a credential, then retires the old version', async () => {
    await setToken('aqt');
    await setToken('ionq');
    const first = holder.current().activeId;
    const before = await records();
    expect(before.map((r) => r.keyId)).toEqual([first, first]);

    // Rotation: the running server seals new records under the new version at once.
    const second = rotateMasterKey(dataDir, loadKeyring({}, dataDir), t.clock.now()).activeId;
    expect(second).not.toBe(first);
    await setToken('iqm');
    expect((await records()).map((r) => [r.provider, r.keyId])).toEqual([['aqt', first], ['ionq', first], ['iqm', second]]);

    // Retiring the old version is refused while records still need it.
    const refused = await retireMasterKey(t.db, dataDir, loadKeyring({}, dataDir), first, t.clock.now());
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.message).toContain('2 provider token(s)');

    // Rewrap: every record under the new version; same credential, same ciphertext.
    expect(await rewrapAll(t.db, loadKeyring({}, dataDir))).toEqual({ rewrapped: 2, failed: [] });
    const after = await records();
    expect(after.map((r) => r.keyId)).toEqual([second, second, second]);
    expect(after.map((r) => r.credential)).toEqual([CREDENTIALS.aqt, CREDENTIALS.ionq, CREDENTIALS.iqm]);
    expect(after.slice(0, 2).map((r) => r.ciphertext)).toEqual(before.map((r) => r.ciphertext));

    // Retire: allowed now; every record still opens, through the server too.
    expect((await retireMasterKey(t.db, dataDir, loadKeyring({}, dataDir), first, t.clock.now())).ok).toBe(true);
    const status = await keyStatus(t.db, loadKeyring({}, dataDir));
    expect(status.find((v) => v.id === first)).toMatchObject({ retired_at: t.clock.now().toISOString(), records: 0, active: false });
    expect(status.find((v) => v.id === second)).toMatchObject({ active: true, records: 3 });
    expect((await records()).map((r) => r.credential)).toEqual([CREDENTIALS.aqt, CREDENTIALS.ionq, CREDENTIALS.iqm]);
  });

  it('refuses to retire the active version or one that does not exist', async () => {
    const keyring = loadKeyring({}, dataDir);
    expect((await retireMasterKey(t.db, dataDir, keyring, keyring.activeId, t.clock.now())).ok).toBe(false);
    expect((await retireMasterKey(t.db, dataDir, keyring, 'mk_0000000000000000', t.clock.now())).ok).toBe(false);
  });

  it("rewraps authenticator apps' secrets too, and refuses to retire a version one still needs", async () => {
    const first = holder.current().activeId;
    const { secret } = await enrolTotp(t, ada);
    rotateMasterKey(dataDir, loadKeyring({}, dataDir), t.clock.now());
    const refused = await retireMasterKey(t.db, dataDir, loadKeyring({}, dataDir), first, t.clock.now());
    expect(refused.ok ? '' : refused.message).toContain('1 authenticator app secret(s)');
    expect(await rewrapAll(t.db, loadKeyring({}, dataDir))).toEqual({ rewrapped: 1, failed: [] });
    expect((await retireMasterKey(t.db, dataDir, loadKeyring({}, dataDir), first, t.clock.now())).ok).toBe(true);
    // The secret still opens: a sign-in with the app's code goes through.
    const challenge = challengeOf(await passwordLogin(t, ada.email));
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/login/second-factor', payload: { challenge_id: challenge.id, code: codeNow(t, secret) } });
    expect(res.statusCode).toBe(200);
  });
});
