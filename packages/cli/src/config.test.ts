import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConfigStore } from './config';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'qonduit-config-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('the config file', () => {
  it('lives in $XDG_CONFIG_HOME/qonduit, else ~/.config/qonduit', () => {
    expect(createConfigStore({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/ada' }).path).toBe('/x/cfg/qonduit/config.json');
    expect(createConfigStore({ HOME: '/home/ada' }).path).toBe('/home/ada/.config/qonduit/config.json');
  });

  it('is written 0600 even over an older file that others could read, and leaves no temp file', () => {
    const store = createConfigStore({ HOME: home });
    mkdirSync(path.dirname(store.path), { recursive: true });
    writeFileSync(store.path, '{}');
    chmodSync(store.path, 0o644);
    store.write({ url: 'http://x', token: 'qdp_secret' });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(store.path))).toEqual(['config.json']);
    expect(store.read()).toEqual({ url: 'http://x', token: 'qdp_secret' });
  });

  it('reads a missing or broken file as empty, keeping what it recognises', () => {
    const store = createConfigStore({ HOME: home });
    expect(store.read()).toEqual({});
    mkdirSync(path.dirname(store.path), { recursive: true });
    writeFileSync(store.path, '{"token": "qdp_x", "context": {"id": 1}, "extra": true}');
    expect(store.read()).toEqual({ token: 'qdp_x' });
    writeFileSync(store.path, 'not json');
    expect(store.read()).toEqual({});
    expect(readFileSync(store.path, 'utf8')).toBe('not json');
  });
});
