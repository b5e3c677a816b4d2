import { joinUrl } from '../../providers/base-urls';
import { credentialField, send, verifyWith } from '../http';
import type { ProviderAdapter } from '../types';

// D-Wave Leap Solver API (SAPI v2, base URL .../sapi/v2): `X-Auth-Token`. Problems are
// submitted by D-Wave's own client through the provider proxy, so this adapter only checks
// tokens and tells the proxy how to authenticate.

const PROVIDER = 'D-Wave Leap';

export function createDwaveAdapter(): ProviderAdapter {
  return {
    id: 'dwave',

    verify: (credential, ctx) =>
      verifyWith(() => {
        const token = credentialField(credential, 'token', PROVIDER);
        return send(ctx, {
          provider: PROVIDER,
          method: 'GET',
          url: joinUrl(ctx.urls.base.dwave, 'solvers/remote/'),
          headers: { 'x-auth-token': token, accept: 'application/json' },
          secrets: [token],
        });
      }),

    async proxyAuthHeaders(credential) {
      return { 'x-auth-token': credentialField(credential, 'token', PROVIDER) };
    },
  };
}
