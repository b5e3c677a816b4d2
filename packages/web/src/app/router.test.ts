import { describe, expect, it } from 'vitest';
import { matchPath } from './router';

describe('matchPath', () => {
  it('captures a named segment, decoded', () => {
    expect(matchPath('/orgs/:id/settings', '/orgs/a%20b/settings')).toEqual({ id: 'a b' });
  });

  it('refuses a path of another length or with another fixed segment', () => {
    expect(matchPath('/orgs/:id/settings', '/orgs/abc')).toBeNull();
    expect(matchPath('/orgs/:id/settings', '/orgs/abc/audit-log')).toBeNull();
  });

  it('ignores a trailing slash', () => {
    expect(matchPath('/settings/tokens', '/settings/tokens/')).toEqual({});
  });
});
