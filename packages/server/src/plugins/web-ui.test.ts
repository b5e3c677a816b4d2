import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp } from '../test/harness';
import type { TestApp } from '../test/harness';

let dir: string;
let t: TestApp;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'qonduit-web-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Qonduit</title><div id="root"></div>');
  t = await createTestApp({}, { QONDUIT_WEB_DIR: dir });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web UI', () => {
  it("serves index.html for the app's own pages, with a strict Content-Security-Policy and no framing", async () => {
    for (const url of ['/', '/settings/tokens', '/orgs/123/settings']) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('never answers an API path with the page', async () => {
    for (const url of ['/api/v1/nothing', '/quantum/nothing', '/my/nothing']) {
      const res = await t.request({ method: 'GET', url });
      expect(res.statusCode, url).not.toBe(200);
      expect(res.headers['content-type']).toContain('application/json');
    }
    expect((await t.request({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
  });
});
