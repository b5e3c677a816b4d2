import { startTestServer } from '@qonduit/testing';
import type { TestServer, TestUser } from '@qonduit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../errors';
import { createMachine } from '../testing';
import type { Machine } from '../testing';
import { parseMoment } from './audit-list';

interface Event {
  action: string;
  actor: { user_id: string | null; name: string | null; token_id: string | null; token_name: string | null };
  target: { name: string | null };
  details: Record<string, unknown>;
}

let server: TestServer;
let ada: TestUser;
let grace: TestUser;
let machine: Machine;
let laptop: { id: string; token: string };
let org: string;

beforeAll(async () => {
  server = await startTestServer();
  ada = await server.signUp({ name: 'Ada Lovelace' });
  grace = await server.signUp({ name: 'Grace Hopper' });
  laptop = await ada.createToken({ name: 'laptop' });
  machine = createMachine({ QONDUIT_URL: server.url });
  await machine.run(['login', '--token', laptop.token]);
  org = (await machine.run(['orgs', 'create', 'Audit Lab'])).stdout.trim();
  // Joining is by invitation, which is not what these tests are about: Grace is seeded a member.
  await server.database.db.insertInto('memberships').values({ organization_id: org, user_id: grace.id, role: 'viewer', added_at: new Date().toISOString() }).execute();
  await machine.run(['orgs', 'rename', 'Audit Lab', 'Audit Labs']);
  await machine.run(['members', 'set-role', grace.email, 'maintainer', '--org', org]);
});
afterAll(async () => {
  await server?.close();
  machine?.cleanup();
});

const json = async (argv: string[]) => {
  const run = await machine.run(argv);
  expect(run.code, run.stderr).toBe(EXIT.ok);
  return JSON.parse(run.stdout) as Event[];
};

describe('qonduit audit list', () => {
  it('--json names the person and the token that acted', async () => {
    const events = await json(['audit', 'list', '--org', org, '--json']);
    expect(events.map((e) => e.action)).toEqual(['member.role_changed', 'organization.renamed', 'organization.created']);
    for (const e of events) expect(e.actor).toEqual({ user_id: ada.id, name: 'Ada Lovelace', token_id: laptop.id, token_name: 'laptop', ip: '127.0.0.1' });
    expect(events[0]).toMatchObject({ target: { name: 'Grace Hopper' }, details: { old_role: 'viewer', new_role: 'maintainer' } });
    expect(events[1]).toMatchObject({ details: { old_name: 'Audit Lab', new_name: 'Audit Labs' } });
  });

  it("the table says who in words: \"Ada Lovelace via token 'laptop'\"", async () => {
    const run = await machine.run(['audit', '--org', 'Audit Labs']);
    expect(run.stdout).toMatch(/^WHEN +ACTION +TARGET +BY +IP\n/);
    expect(run.stdout).toMatch(/member\.role_changed +user Grace Hopper +Ada Lovelace via token 'laptop' +127\.0\.0\.1/);
    expect(run.stdout).not.toMatch(/token [0-9a-f]{8}\b/);
  });

  it('filters by action prefix, actor and time', async () => {
    expect((await json(['audit', 'list', '--org', org, '--action', 'organization.', '--json'])).map((e) => e.action)).toEqual(['organization.renamed', 'organization.created']);
    expect((await json(['audit', 'list', '--org', org, '--actor', 'me', '--since', '1h', '--json'])).length).toBe(3);
    expect(await json(['audit', 'list', '--org', org, '--actor', grace.email, '--json'])).toEqual([]);
    expect(await json(['audit', 'list', '--org', org, '--until', '2020-01-01', '--json'])).toEqual([]);
    const mine = await json(['audit', 'list', '--action', 'user.signed_up', '--json']);
    expect(mine).toMatchObject([{ action: 'user.signed_up', actor: { user_id: ada.id, name: 'Ada Lovelace', token_id: null, token_name: null } }]);
    const none = await machine.run(['audit', 'list', '--org', org, '--action', 'member.removed']);
    expect(none.stderr).toContain('No audit events match.');
  });

  it('a filter that is not one is a usage error', async () => {
    expect((await machine.run(['audit', 'list', '--since', 'yesterday'])).code).toBe(EXIT.usage);
    expect((await machine.run(['audit', 'list', '--action', 'Member.*'])).code).toBe(EXIT.usage);
  });

  it('reads times ago and dates', () => {
    const now = new Date('2026-11-29T12:00:00.000Z');
    expect(parseMoment('7d', now)).toBe('2026-11-22T12:00:00.000Z');
    expect(parseMoment('30m', now)).toBe('2026-11-29T11:30:00.000Z');
    expect(parseMoment('2026-11-01')).toBe('2026-11-01');
    expect(() => parseMoment('2026-11-01T10:00')).toThrow();
  });
});
