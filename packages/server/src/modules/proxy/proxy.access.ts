import type { ProviderId } from '@qonduit/runtime';

// What a proxied request does to the provider account whose credential it spends, read from its
// method and path. The role rules themselves are in orgs/org-policy.ts; this only tells them
// apart: a read (allowlisted, it changes nothing and shows only the account's own data), a
// cancel or delete of one job (which a viewer may send for a job they submitted), or anything
// else. What is not recognised is "anything else", so an unknown path is never a read.
//
// Paths are matched as the caller sent them (still percent-encoded), relative to the
// provider's base URL, segment by segment: `*` is one segment, a final `**` any rest, `{job}`
// one segment holding the provider's job id.

export type ProxyRequestKind =
  | { kind: 'read' }
  | { kind: 'job_write'; providerJobId: string }
  | { kind: 'write' };

interface Rule {
  methods: readonly string[];
  path: string;
}

const GET = ['GET', 'HEAD'] as const;
const reads = (...paths: string[]): Rule[] => paths.map((path) => ({ methods: GET, path }));

const IBM_READS = reads('/backends', '/backends/**', '/jobs', '/jobs/**', '/sessions/**', '/usage', '/usage/**');
const AZURE_WORKSPACE = '/subscriptions/*/resourceGroups/*/providers/Microsoft.Quantum/workspaces/*';

/** Requests that only read the provider account the credential belongs to. */
export const PROXY_READS: Readonly<Record<ProviderId, readonly Rule[]>> = {
  ionq: reads('/whoami', '/backends', '/backends/**', '/characterizations/**', '/jobs', '/jobs/**', '/sessions', '/sessions/**'),
  ibm: IBM_READS,
  ibm_cloud: IBM_READS,
  aws_braket: [
    ...reads('/device/**', '/quantum-task/**', '/job/**'),
    // Braket's searches are POSTs that change nothing.
    { methods: ['POST'], path: '/devices' },
    { methods: ['POST'], path: '/quantum-tasks' },
    { methods: ['POST'], path: '/jobs' },
  ],
  dwave: reads('/solvers/**', '/problems', '/problems/**'),
  aqt: reads('/workspaces', '/workspaces/**', '/result/**'),
  iqm: reads('/quantum-computers', '/quantum-computers/**', '/jobs/**', '/calibration/**'),
  azure_quantum: reads(
    `${AZURE_WORKSPACE}/jobs`,
    `${AZURE_WORKSPACE}/jobs/**`,
    `${AZURE_WORKSPACE}/providerStatus`,
    `${AZURE_WORKSPACE}/providerStatus/**`,
    `${AZURE_WORKSPACE}/quotas`,
    `${AZURE_WORKSPACE}/sessions`,
    `${AZURE_WORKSPACE}/sessions/**`,
    `${AZURE_WORKSPACE}/topLevelItems`,
  ),
};

const IBM_JOB_WRITES: Rule[] = [
  { methods: ['POST'], path: '/jobs/{job}/cancel' },
  { methods: ['DELETE'], path: '/jobs/{job}' },
];

/** The provider's own calls that cancel or delete one job (DESIGN.md, "Provider APIs"). */
export const PROXY_JOB_WRITES: Readonly<Record<ProviderId, readonly Rule[]>> = {
  ionq: [
    { methods: ['PUT'], path: '/jobs/{job}/status/cancel' },
    { methods: ['DELETE'], path: '/jobs/{job}' },
  ],
  ibm: IBM_JOB_WRITES,
  ibm_cloud: IBM_JOB_WRITES,
  aws_braket: [{ methods: ['PUT'], path: '/quantum-task/{job}/cancel' }],
  dwave: [{ methods: ['DELETE'], path: '/problems/{job}' }],
  aqt: [{ methods: ['DELETE'], path: '/jobs/{job}' }],
  iqm: [{ methods: ['POST'], path: '/jobs/{job}/cancel' }],
  azure_quantum: [{ methods: ['DELETE'], path: `${AZURE_WORKSPACE}/jobs/{job}` }],
};

function segmentsOf(path: string): string[] {
  const parts = path.split('/').slice(1);
  // A trailing slash (D-Wave's `problems/`) names the same resource.
  if (parts.length > 0 && parts.at(-1) === '') parts.pop();
  return parts;
}

/** The captured job id (raw) when it matches, `''` when it matches without one, null when not. */
function match(pattern: string, path: readonly string[]): string | null {
  const want = segmentsOf(pattern);
  let job = '';
  for (const [i, w] of want.entries()) {
    if (w === '**' && i === want.length - 1) return path.length >= i ? job : null;
    const got = path[i];
    if (got === undefined || got === '') return null;
    if (w === '{job}') job = got;
    else if (w !== '*' && w !== got) return null;
  }
  return path.length === want.length ? job : null;
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/**
 * `path` is the raw path relative to the provider's base URL (starting with '/'), `query` the
 * raw query ('' or '?...'). A job write carries no query: a provider that read one could be
 * told to act on other jobs than the one in the path.
 */
export function classifyProxyRequest(provider: ProviderId, method: string, path: string, query: string): ProxyRequestKind {
  const segments = segmentsOf(path);
  for (const rule of PROXY_READS[provider]) {
    if (rule.methods.includes(method) && match(rule.path, segments) !== null) return { kind: 'read' };
  }
  if (query === '' || query === '?') {
    for (const rule of PROXY_JOB_WRITES[provider]) {
      if (!rule.methods.includes(method)) continue;
      const job = match(rule.path, segments);
      const id = job === null || job === '' ? null : decoded(job);
      if (id !== null && id !== '') return { kind: 'job_write', providerJobId: id };
    }
  }
  return { kind: 'write' };
}
