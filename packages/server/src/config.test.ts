import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { createTestApp } from './test/harness';
import type { TestApp } from './test/harness';

const base = { QONDUIT_DATA_DIR: '/nonexistent-test-data' };

describe('configuration', () => {
  it('marks session cookies Secure by default unless the server listens on loopback only, as documented', () => {
    expect(loadConfig(base).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, QONDUIT_HOST: 'localhost' }).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, QONDUIT_HOST: '::1' }).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, QONDUIT_HOST: '0.0.0.0' }).cookieSecure).toBe(true);
    expect(loadConfig({ ...base, QONDUIT_HOST: '192.0.2.10' }).cookieSecure).toBe(true);
    expect(loadConfig({ ...base, QONDUIT_HOST: '0.0.0.0', QONDUIT_COOKIE_SECURE: 'false' }).cookieSecure).toBe(false);
    expect(loadConfig({ ...base, QONDUIT_COOKIE_SECURE: 'true' }).cookieSecure).toBe(true);
  });

  it('QONDUIT_AUTH_CACHE_TTL_MS bounds how long a verified token is cached: 10 s by default, 0 turns the cache off', () => {
    expect(loadConfig(base).authCacheTtlMs).toBe(10_000);
    expect(loadConfig({ ...base, QONDUIT_AUTH_CACHE_TTL_MS: '0' }).authCacheTtlMs).toBe(0);
    expect(loadConfig({ ...base, QONDUIT_AUTH_CACHE_TTL_MS: '2500' }).authCacheTtlMs).toBe(2500);
    expect(() => loadConfig({ ...base, QONDUIT_AUTH_CACHE_TTL_MS: '10s' })).toThrow(/QONDUIT_AUTH_CACHE_TTL_MS/);
    expect(() => loadConfig({ ...base, QONDUIT_AUTH_CACHE_TTL_MS: '3600001' })).toThrow(/QONDUIT_AUTH_CACHE_TTL_MS/);
  });

  it('QONDUIT_TRUST_PROXY takes a hop count or addresses, never "every hop"', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, QONDUIT_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, QONDUIT_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, QONDUIT_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'loopback']);
    for (const bad of ['true', 'yes', '10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/2', '11']) {
      expect(() => loadConfig({ ...base, QONDUIT_TRUST_PROXY: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, QONDUIT_TRUST_PROXY: bad }), bad).toThrow(/QONDUIT_TRUST_PROXY/);
    }
  });

  it('reads every rate limit as <attempts>/<seconds> or off, and refuses anything else naming the setting', () => {
    const config = loadConfig({ ...base, QONDUIT_RATE_LIMIT_LOGIN_IP: '5/60', QONDUIT_RATE_LIMIT_PROXY: 'off' });
    expect(config.rateLimits.login_ip).toEqual({ points: 5, seconds: 60 });
    expect(config.rateLimits.proxy).toBeNull();
    expect(config.rateLimits.signup).toEqual({ points: 20, seconds: 3600 });
    for (const bad of ['5', '0/60', '5/0', 'five/60', '5/100000']) {
      expect(() => loadConfig({ ...base, QONDUIT_RATE_LIMIT_SIGNUP: bad }), bad).toThrow(/QONDUIT_RATE_LIMIT_SIGNUP/);
    }
  });
});

describe('client addresses behind a reverse proxy', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const wrongLogin = (app: TestApp, forwardedFor: string) =>
    app.request({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong password!' },
      remoteAddress: '10.0.0.5',
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('with one trusted hop, limits count the address the proxy saw, whatever a client puts before it', async () => {
    t = await createTestApp({}, { QONDUIT_TRUST_PROXY: '1', QONDUIT_RATE_LIMIT_LOGIN_IP: '3/900' });
    // The client forges a different first hop each time; the proxy appends the real one.
    for (let i = 0; i < 3; i++) expect((await wrongLogin(t, `198.51.100.${i}, 203.0.113.7`)).statusCode).toBe(401);
    expect((await wrongLogin(t, '198.51.100.99, 203.0.113.7')).statusCode).toBe(429);
    expect((await wrongLogin(t, '203.0.113.8')).statusCode).toBe(401);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored', async () => {
    t = await createTestApp({}, { QONDUIT_RATE_LIMIT_LOGIN_IP: '3/900' });
    for (let i = 0; i < 3; i++) expect((await wrongLogin(t, `198.51.100.${i}`)).statusCode).toBe(401);
    expect((await wrongLogin(t, '198.51.100.200')).statusCode).toBe(429);
  });

  it('trusts X-Forwarded-For only from the listed proxy addresses', async () => {
    t = await createTestApp({}, { QONDUIT_TRUST_PROXY: '10.0.0.0/8', QONDUIT_RATE_LIMIT_LOGIN_IP: '3/900' });
    for (let i = 0; i < 3; i++) expect((await wrongLogin(t, '203.0.113.7')).statusCode).toBe(401);
    expect((await wrongLogin(t, '203.0.113.7')).statusCode).toBe(429);
    expect((await wrongLogin(t, '203.0.113.9')).statusCode).toBe(401);
  });
});
