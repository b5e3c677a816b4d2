// npm run bench: every benchmark of the project, one after another (never in the test suite).
import { main as authThroughput } from './auth-throughput';
import { main as busy } from './busy-throughput';
import { main as cliStartup } from './cli-startup';
import { main as revocationPropagation } from './revocation-propagation';
import { main as simulator } from './simulator';
import { main as verifyLatency } from './verify-latency';

const only = process.argv[2];
const benches: Array<[string, () => Promise<unknown>]> = [
  ['auth', authThroughput],
  ['verify', verifyLatency],
  ['simulator', simulator],
  ['busy', busy],
  ['cli', cliStartup],
  ['propagation', revocationPropagation],
];
for (const [name, run] of benches) {
  if (only && only !== name) continue;
  await run();
}
