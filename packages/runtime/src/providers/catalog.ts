// The provider catalog: which providers Qonduit can spend a token on, what a credential for
// each looks like, and which parts of it are secret. Served as GET /api/v1/providers, and the
// only place that decides whether a submitted credential is well formed.

export const PROVIDER_IDS = [
  'ibm',
  'ibm_cloud',
  'ionq',
  'aws_braket',
  'dwave',
  'aqt',
  'iqm',
  'azure_quantum',
] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

/** PlanQK's upper-case provider names, as its clients write `provider`. */
export type PlanqkProviderName = 'IBM' | 'IBM_CLOUD' | 'IONQ' | 'AWS' | 'DWAVE' | 'AQT' | 'IQM' | 'AZURE';

export interface CredentialField {
  readonly name: string;
  readonly label: string;
  readonly secret: boolean;
  readonly required: boolean;
  /** A JavaScript regular expression source, anchored, that a value must match. */
  readonly pattern: string;
  readonly max_length: number;
  readonly description: string;
}

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly display_name: string;
  readonly planqk_name: PlanqkProviderName;
  /** Where a user creates or copies the token. */
  readonly token_url: string;
  /** For aws_braket a template: the region comes from the credential. */
  readonly default_base_url: string;
  readonly fields: readonly CredentialField[];
}

// `shape` is the expected form in words, for error messages; it is not part of the public catalog.
interface FieldSpec extends CredentialField {
  readonly shape: string;
}

interface ProviderSpec extends Omit<ProviderInfo, 'fields'> {
  readonly fields: readonly FieldSpec[];
}

const IBM_FIELDS: readonly FieldSpec[] = [
  {
    name: 'api_key',
    label: 'API key',
    secret: true,
    required: true,
    pattern: '^[A-Za-z0-9_-]{44}$',
    max_length: 44,
    description: 'An IBM Cloud API key; Qonduit exchanges it at IBM Cloud IAM for short-lived bearer tokens.',
    shape: "44 characters of letters, digits, '_' or '-'",
  },
  {
    name: 'instance_crn',
    label: 'Instance CRN',
    secret: false,
    required: true,
    pattern: '^crn:v1:[a-z0-9-]+:[a-z0-9-]+:quantum-computing:[a-z0-9-]*:a/[0-9a-f]{32}:[0-9a-f-]{36}::$',
    max_length: 256,
    description: 'The Cloud Resource Name of the Qiskit Runtime instance jobs run in.',
    shape:
      "an instance CRN such as 'crn:v1:bluemix:public:quantum-computing:us-east:a/<account>:<instance>::'",
  },
];

// Free-form bearer tokens: providers do not document a shape, so only the characters a token
// can carry in a header are checked.
const TOKEN_CHARS = '[A-Za-z0-9._~+/=-]';

const SPECS: readonly ProviderSpec[] = [
  {
    id: 'ibm',
    display_name: 'IBM Quantum',
    planqk_name: 'IBM',
    token_url: 'https://quantum.cloud.ibm.com/',
    default_base_url: 'https://quantum.cloud.ibm.com/api/v1',
    fields: IBM_FIELDS,
  },
  {
    id: 'ibm_cloud',
    display_name: 'IBM Cloud Qiskit Runtime',
    planqk_name: 'IBM_CLOUD',
    token_url: 'https://cloud.ibm.com/iam/apikeys',
    default_base_url: 'https://quantum.cloud.ibm.com/api/v1',
    fields: IBM_FIELDS,
  },
  {
    id: 'ionq',
    display_name: 'IonQ',
    planqk_name: 'IONQ',
    token_url: 'https://cloud.ionq.com/settings/keys',
    default_base_url: 'https://api.ionq.co/v0.4',
    fields: [
      {
        name: 'api_key',
        label: 'API key',
        secret: true,
        required: true,
        pattern: '^[A-Za-z0-9]{32}$',
        max_length: 32,
        description: 'An IonQ Quantum Cloud API key.',
        shape: '32 letters or digits',
      },
    ],
  },
  {
    id: 'aws_braket',
    display_name: 'Amazon Braket',
    planqk_name: 'AWS',
    token_url: 'https://console.aws.amazon.com/iam/home#/security_credentials',
    default_base_url: 'https://braket.{region}.amazonaws.com',
    fields: [
      {
        name: 'access_key_id',
        label: 'Access key ID',
        // An identifier, not a secret: AWS shows it in consoles and logs.
        secret: false,
        required: true,
        pattern: '^(AKIA|ASIA)[A-Z0-9]{16}$',
        max_length: 20,
        description: 'The access key ID of an IAM user or role allowed to use Amazon Braket.',
        shape: "20 characters: 'AKIA' or 'ASIA' followed by 16 upper-case letters or digits",
      },
      {
        name: 'secret_access_key',
        label: 'Secret access key',
        secret: true,
        required: true,
        pattern: '^[A-Za-z0-9/+]{40}$',
        max_length: 40,
        description: 'The secret access key that belongs to the access key ID.',
        shape: "exactly 40 characters of letters, digits, '/' or '+'",
      },
      {
        name: 'region',
        label: 'Region',
        secret: false,
        required: true,
        pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$',
        max_length: 32,
        description: 'The AWS region of the Braket devices, such as us-east-1.',
        shape: "an AWS region name such as 'us-east-1'",
      },
      {
        name: 'session_token',
        label: 'Session token',
        secret: true,
        required: false,
        pattern: '^[A-Za-z0-9/+=]{16,4096}$',
        max_length: 4096,
        description: 'Only for temporary (ASIA...) credentials from AWS STS.',
        shape: "16 to 4096 characters of base64 text (letters, digits, '/', '+', '=')",
      },
      {
        name: 's3_bucket',
        label: 'Results bucket',
        secret: false,
        required: false,
        pattern: '^amazon-braket-[a-z0-9](?:[a-z0-9.-]{0,47}[a-z0-9])?$',
        max_length: 63,
        description: 'The S3 bucket Braket writes task results to; needed to run jobs.',
        shape: "an S3 bucket name that starts with 'amazon-braket-'",
      },
    ],
  },
  {
    id: 'dwave',
    display_name: 'D-Wave Leap',
    planqk_name: 'DWAVE',
    token_url: 'https://cloud.dwavesys.com/leap/',
    default_base_url: 'https://na-west-1.cloud.dwavesys.com/sapi/v2',
    fields: [
      {
        name: 'token',
        label: 'SAPI token',
        secret: true,
        required: true,
        pattern: '^[A-Za-z0-9]{2,8}-[0-9a-f]{40}$',
        max_length: 49,
        description: 'A Leap Solver API token.',
        shape: "a short prefix such as 'DEV', a '-', then 40 lower-case hex digits",
      },
    ],
  },
  {
    id: 'aqt',
    display_name: 'Alpine Quantum Technologies',
    planqk_name: 'AQT',
    token_url: 'https://arnica.aqt.eu/',
    default_base_url: 'https://arnica.aqt.eu/api/v1',
    fields: [
      {
        name: 'token',
        label: 'Access token',
        secret: true,
        required: true,
        pattern: `^${TOKEN_CHARS}{16,512}$`,
        max_length: 512,
        description: 'An AQT ARNICA access token.',
        shape: "16 to 512 characters of letters, digits, '.', '_', '~', '+', '/', '=' or '-'",
      },
    ],
  },
  {
    id: 'iqm',
    display_name: 'IQM Resonance',
    planqk_name: 'IQM',
    token_url: 'https://resonance.meetiqm.com/',
    default_base_url: 'https://resonance.iqm.tech/api/v1',
    fields: [
      {
        name: 'token',
        label: 'API token',
        secret: true,
        required: true,
        pattern: `^${TOKEN_CHARS}{16,2048}$`,
        max_length: 2048,
        description: 'An IQM Resonance API token.',
        shape: "16 to 2048 characters of letters, digits, '.', '_', '~', '+', '/', '=' or '-'",
      },
    ],
  },
  {
    id: 'azure_quantum',
    display_name: 'Azure Quantum',
    planqk_name: 'AZURE',
    token_url: 'https://portal.azure.com/#browse/Microsoft.Quantum%2FWorkspaces',
    default_base_url: 'https://eastus.quantum.azure.com',
    fields: [
      {
        name: 'connection_string',
        label: 'Connection string',
        secret: true,
        required: true,
        pattern:
          '^SubscriptionId=[0-9A-Fa-f-]{36};ResourceGroupName=[^;]{1,90};WorkspaceName=[^;]{1,64};ApiKey=[^;]{1,512};QuantumEndpoint=https://[^;]{1,200};?$',
        max_length: 1024,
        description: 'A workspace connection string from the Azure portal (Operations → Access keys).',
        shape:
          "'SubscriptionId=...;ResourceGroupName=...;WorkspaceName=...;ApiKey=...;QuantumEndpoint=https://...'",
      },
    ],
  },
];

const SPEC_BY_ID: ReadonlyMap<string, ProviderSpec> = new Map(SPECS.map((s) => [s.id, s]));

function toInfo(spec: ProviderSpec): ProviderInfo {
  return {
    ...spec,
    fields: spec.fields.map(({ shape: _shape, ...field }) => field),
  };
}

/** The public catalog, in a stable order. */
export const PROVIDER_CATALOG: readonly ProviderInfo[] = SPECS.map(toInfo);

const INFO_BY_ID: ReadonlyMap<string, ProviderInfo> = new Map(PROVIDER_CATALOG.map((p) => [p.id, p]));
const INFO_BY_PLANQK: ReadonlyMap<string, ProviderInfo> = new Map(
  PROVIDER_CATALOG.map((p) => [p.planqk_name, p]),
);

export function isProviderId(value: string): value is ProviderId {
  return SPEC_BY_ID.has(value);
}

export function providerById(id: string): ProviderInfo | undefined {
  return INFO_BY_ID.get(id);
}

/** Accepts PlanQK's names case-insensitively (`IONQ`, `ionq`). */
export function providerByPlanqkName(name: string): ProviderInfo | undefined {
  return INFO_BY_PLANQK.get(name.toUpperCase());
}

export type CredentialValidation =
  | { ok: true; credential: Record<string, string> }
  | { ok: false; details: Array<{ field: string; message: string }> };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a submitted credential against the catalog. Values are trimmed (pasted tokens often
 * carry a newline); an empty optional field counts as absent. Messages name the field and the
 * expected shape and never repeat the value, which may be a secret typed into the wrong box.
 */
export function validateCredential(providerId: ProviderId, input: unknown): CredentialValidation {
  const spec = SPEC_BY_ID.get(providerId);
  if (spec === undefined) return { ok: false, details: [{ field: 'provider', message: 'unknown provider' }] };
  if (!isPlainObject(input)) {
    return {
      ok: false,
      details: [{ field: 'credentials', message: 'credentials must be an object of field names to strings' }],
    };
  }

  const details: Array<{ field: string; message: string }> = [];
  const known = new Set(spec.fields.map((f) => f.name));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      details.push({
        field: key,
        message: `'${truncateName(key)}' is not a ${spec.display_name} credential field (expected: ${[...known].join(', ')})`,
      });
    }
  }

  const credential: Record<string, string> = {};
  for (const field of spec.fields) {
    const raw = input[field.name];
    if (raw === undefined || raw === null) {
      if (field.required) details.push({ field: field.name, message: `${field.name} is required` });
      continue;
    }
    if (typeof raw !== 'string') {
      details.push({ field: field.name, message: `${field.name} must be a string` });
      continue;
    }
    const value = raw.trim();
    if (value === '') {
      if (field.required) details.push({ field: field.name, message: `${field.name} is required` });
      continue;
    }
    if (value.length > field.max_length) {
      details.push({
        field: field.name,
        message: `${field.name} is too long (at most ${field.max_length} characters; expected ${field.shape})`,
      });
      continue;
    }
    if (!new RegExp(field.pattern).test(value)) {
      details.push({
        field: field.name,
        message: `${field.name} does not have the expected form: ${field.shape}`,
      });
      continue;
    }
    credential[field.name] = value;
  }

  return details.length > 0 ? { ok: false, details } : { ok: true, credential };
}

// An unknown key is user input too: keep it short in messages.
function truncateName(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

/**
 * What the API may show of a stored credential: secret fields as a hint of their last
 * characters (4, or only 2 for values shorter than 16 so that little of a short secret shows,
 * none below 8), other fields in full. Fields the catalog does not know are left out.
 */
export function maskCredential(
  providerId: ProviderId,
  credential: Readonly<Record<string, string>>,
): Record<string, string> {
  const spec = SPEC_BY_ID.get(providerId);
  const masked: Record<string, string> = {};
  if (spec === undefined) return masked;
  for (const field of spec.fields) {
    const value = credential[field.name];
    if (value === undefined) continue;
    masked[field.name] = field.secret ? `••••${secretHint(value)}` : value;
  }
  return masked;
}

function secretHint(value: string): string {
  if (value.length < 8) return '';
  return value.slice(value.length < 16 ? -2 : -4);
}
