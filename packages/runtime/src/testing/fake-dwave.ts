import { json, startFakeServer } from './fake-server';
import type { FakeServer } from './fake-server';

// A fake D-Wave Leap SAPI at `url` = <origin>/sapi/v2: `X-Auth-Token` on every call, and the
// solver list D-Wave's client reads first (GET solvers/remote/).

export async function startFakeDwave(options: { token: string }): Promise<FakeServer> {
  return startFakeServer(
    (req) => {
      if (req.headers['x-auth-token'] !== options.token) {
        return json(401, { error_code: 401, error_msg: 'Invalid token or access denied' });
      }
      if (req.method === 'GET' && req.route === '/solvers/remote/') {
        return json(200, [
          {
            id: 'Advantage_system4.1',
            status: 'ONLINE',
            description: 'Advantage performance system (fake)',
            avg_load: 0.1,
            properties: { num_qubits: 5760, category: 'qpu', supported_problem_types: ['ising', 'qubo'] },
          },
          {
            id: 'hybrid_binary_quadratic_model_version2',
            status: 'ONLINE',
            description: 'Hybrid BQM solver (fake)',
            avg_load: 0,
            properties: { category: 'hybrid', supported_problem_types: ['bqm'] },
          },
        ]);
      }
      return json(404, { error_code: 404, error_msg: 'Not found' });
    },
    { basePath: '/sapi/v2' },
  );
}
