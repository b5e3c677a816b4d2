import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';
import { DEFAULT_PRICES, estimateCost } from './prices';

const base = { QONDUIT_DATA_DIR: '/nonexistent-test-data' };

describe('the price table', () => {
  it('estimates per task plus per shot, exactly in micro-dollars', () => {
    expect(estimateCost(DEFAULT_PRICES, 'ionq.qpu.aria-1', 1000)?.micro).toBe(30_300_000);
    expect(estimateCost(DEFAULT_PRICES, 'iqm.garnet', 1000)?.micro).toBe(1_750_000);
    expect(estimateCost(DEFAULT_PRICES, 'ibm.brisbane', 4000)?.micro).toBe(4_800_000);
    expect(estimateCost(DEFAULT_PRICES, 'aws.sv1', 100_000)?.micro).toBe(3750);
    expect(estimateCost(DEFAULT_PRICES, 'ionq.simulator', 100)?.micro).toBe(0);
    expect(estimateCost(DEFAULT_PRICES, 'local.simulator', 100)).toBeNull();
  });

  it('takes the built-in prices by default, with the date they were taken', () => {
    expect(loadConfig(base).prices).toBe(DEFAULT_PRICES);
    expect(DEFAULT_PRICES.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("lets the operator replace a backend's price (QONDUIT_PRICES) or drop it, keeping the others", () => {
    const prices = loadConfig({ ...base, QONDUIT_PRICES: JSON.stringify({ as_of: '2026-10-01', backends: { 'ionq.qpu.aria-1': { per_task: 1, per_shot: 0.01 }, 'ibm.brisbane': null } }) }).prices;
    expect(prices.as_of).toBe('2026-10-01');
    expect(estimateCost(prices, 'ionq.qpu.aria-1', 100)?.micro).toBe(2_000_000);
    expect(estimateCost(prices, 'ibm.brisbane', 100)).toBeNull();
    expect(estimateCost(prices, 'iqm.garnet', 1000)?.micro).toBe(1_750_000);
  });

  it('reads the table from QONDUIT_PRICES_FILE', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'qonduit-prices-')), 'prices.json');
    writeFileSync(file, JSON.stringify({ as_of: '2026-09-30', currency: 'USD', backends: { 'aws.sv1': { per_task: 0.01, per_shot: 0, basis: 'our contract' } } }));
    const prices = loadConfig({ ...base, QONDUIT_PRICES_FILE: file }).prices;
    expect(prices.backends['aws.sv1']).toEqual({ per_task: 0.01, per_shot: 0, basis: 'our contract' });
  });

  it('refuses a bad table at start-up with a message naming the setting', () => {
    const bad = (value: unknown) => () => loadConfig({ ...base, QONDUIT_PRICES: typeof value === 'string' ? value : JSON.stringify(value) });
    expect(bad('{nope')).toThrow(ConfigError);
    expect(bad('{nope')).toThrow(/QONDUIT_PRICES/);
    expect(bad({ backends: {} })).toThrow(/as_of must be the date/);
    expect(bad({ as_of: '2026-10-01', backends: { 'nowhere.qpu': { per_task: 1, per_shot: 1 } } })).toThrow(/no backend "nowhere.qpu"/);
    expect(bad({ as_of: '2026-10-01', backends: { 'ionq.simulator': { per_task: -1, per_shot: 0 } } })).toThrow(/per_task must be a number/);
    expect(bad({ as_of: '2026-10-01', currency: 'EUR', backends: {} })).toThrow(/currency must be USD/);
    expect(bad({ as_of: '2026-10-01', backends: { 'local.simulator': { per_task: 1, per_shot: 0 } } })).toThrow(/local.simulator/);
    expect(() => loadConfig({ ...base, QONDUIT_PRICES_FILE: '/nonexistent/prices.json' })).toThrow(/QONDUIT_PRICES_FILE: cannot read/);
  });
});
