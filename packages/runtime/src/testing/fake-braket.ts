import { randomUUID } from 'node:crypto';
import { systemClock } from '@qonduit/core';
import type { Clock } from '@qonduit/core';
import { CircuitError } from '../simulator/circuit';
import type { Circuit } from '../simulator/circuit';
import { parseQasm } from '../simulator/qasm-parser';
import { sampleQubits } from './fake-execution';
import { isObject, json, parseJson, startFakeServer } from './fake-server';
import type { FakeReply, FakeRequest, FakeServer, RecordedRequest } from './fake-server';
import { verifySigV4 } from './sigv4-verifier';
import type { SigV4Failure } from './sigv4-verifier';

// A fake Amazon Braket REST API (at `url`) and the S3 bucket it writes results to (at `s3Url`,
// path-style: <s3Url>/<bucket>/<key>). Every request must carry a SigV4 signature that the
// independent verifier in sigv4-verifier.ts accepts, for service "braket" or "s3" and the
// configured region and keys. Errors look like AWS's: restJson errors with
// x-amzn-ErrorType on Braket, XML <Error> documents on S3.

export interface FakeBraketOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  sessionToken?: string;
  clock?: Clock;
  pollsUntilDone?: number;
}

export interface FakeBraketTask {
  arn: string;
  id: string;
  deviceArn: string;
  shots: number;
  bucket: string;
  prefix: string;
  status: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  polls: number;
  circuit: Circuit;
}

export interface FakeBraket extends FakeServer {
  readonly s3Url: string;
  readonly s3Requests: RecordedRequest[];
  /** Objects in the fake S3, keyed by "<bucket>/<key>". */
  readonly s3Objects: Map<string, string>;
  readonly tasks: Map<string, FakeBraketTask>;
  /**
   * Tasks created per Qonduit job (its `qonduit-job` tag, else the client token). A repeated
   * CreateQuantumTask with the same clientToken creates nothing, as on Braket: it answers with
   * the task the token first created.
   */
  readonly submissions: Map<string, number>;
}

const SV1 = 'arn:aws:braket:::device/quantum-simulator/amazon/sv1';
const ACCOUNT = '123456789012';
const MAX_SHOTS = 100_000;

const BRAKET_ERRORS: Record<SigV4Failure, { status: number; type: string }> = {
  MissingAuthenticationToken: { status: 403, type: 'MissingAuthenticationTokenException' },
  IncompleteSignature: { status: 403, type: 'IncompleteSignatureException' },
  UnrecognizedClient: { status: 403, type: 'UnrecognizedClientException' },
  SignatureExpired: { status: 403, type: 'InvalidSignatureException' },
  InvalidSignature: { status: 403, type: 'InvalidSignatureException' },
  PayloadHashMismatch: { status: 400, type: 'ValidationException' },
};

const S3_ERRORS: Record<SigV4Failure, { status: number; code: string }> = {
  MissingAuthenticationToken: { status: 403, code: 'AccessDenied' },
  IncompleteSignature: { status: 400, code: 'AuthorizationHeaderMalformed' },
  UnrecognizedClient: { status: 403, code: 'InvalidAccessKeyId' },
  SignatureExpired: { status: 403, code: 'RequestTimeTooSkewed' },
  InvalidSignature: { status: 403, code: 'SignatureDoesNotMatch' },
  PayloadHashMismatch: { status: 400, code: 'XAmzContentSHA256Mismatch' },
};

function awsError(status: number, type: string, message: string): FakeReply {
  return json(status, { message }, { 'x-amzn-errortype': type });
}

function s3Error(status: number, code: string, message: string): FakeReply {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
  };
}

export async function startFakeBraket(options: FakeBraketOptions): Promise<FakeBraket> {
  const clock = options.clock ?? systemClock;
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const tasks = new Map<string, FakeBraketTask>();
  const byClientToken = new Map<string, FakeBraketTask>();
  const submissions = new Map<string, number>();
  const s3Objects = new Map<string, string>();
  const devices = [
    {
      deviceArn: SV1,
      deviceName: 'SV1',
      deviceStatus: 'ONLINE',
      deviceType: 'SIMULATOR',
      providerName: 'Amazon Braket',
    },
    {
      deviceArn: `arn:aws:braket:${options.region}::device/qpu/ionq/Aria-1`,
      deviceName: 'Aria 1',
      deviceStatus: 'ONLINE',
      deviceType: 'QPU',
      providerName: 'IonQ',
    },
  ];

  const expectation = (service: string) => ({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region,
    service,
    now: clock.now(),
    ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
  });

  function createTask(body: unknown): FakeReply {
    const invalid = (message: string) => awsError(400, 'ValidationException', message);
    if (!isObject(body)) return invalid('body must be a JSON object');
    const { action, deviceArn, shots, outputS3Bucket, outputS3KeyPrefix, clientToken } = body;
    if (typeof clientToken !== 'string' || clientToken.length < 1 || clientToken.length > 64)
      return invalid('clientToken is required');
    if (typeof deviceArn !== 'string' || !devices.some((d) => d.deviceArn === deviceArn)) {
      return invalid(`Device ${JSON.stringify(deviceArn)} is not available`);
    }
    if (typeof shots !== 'number' || !Number.isInteger(shots) || shots < 0 || shots > MAX_SHOTS) {
      return invalid(`shots must be an integer from 0 to ${MAX_SHOTS}`);
    }
    if (typeof outputS3Bucket !== 'string' || !outputS3Bucket.startsWith('amazon-braket-')) {
      return invalid('outputS3Bucket must name a bucket that starts with amazon-braket-');
    }
    if (typeof outputS3KeyPrefix !== 'string' || outputS3KeyPrefix === '')
      return invalid('outputS3KeyPrefix is required');
    const program = typeof action === 'string' ? parseJson(action) : undefined;
    const header = isObject(program) ? program.braketSchemaHeader : undefined;
    if (
      !isObject(program) ||
      !isObject(header) ||
      header.name !== 'braket.ir.openqasm.program' ||
      typeof program.source !== 'string'
    ) {
      return invalid('action must be a braket.ir.openqasm.program document with a source');
    }
    let circuit: Circuit;
    try {
      circuit = parseQasm(program.source);
    } catch (e) {
      if (e instanceof CircuitError) return invalid(`Invalid OpenQASM program: ${e.message}`);
      throw e;
    }
    const tags = isObject(body.tags) ? body.tags : {};
    const earlier = byClientToken.get(clientToken);
    if (earlier !== undefined) {
      // Braket refuses a known token with different parameters instead of creating a task.
      if (earlier.deviceArn !== deviceArn || earlier.shots !== shots)
        return awsError(409, 'ConflictException', 'clientToken was already used with different parameters');
      return json(201, { quantumTaskArn: earlier.arn });
    }
    const id = randomUUID();
    const task: FakeBraketTask = {
      arn: `arn:aws:braket:${options.region}:${ACCOUNT}:quantum-task/${id}`,
      id,
      deviceArn,
      shots,
      bucket: outputS3Bucket,
      prefix: outputS3KeyPrefix,
      status: 'QUEUED',
      polls: 0,
      circuit,
    };
    tasks.set(task.arn, task);
    byClientToken.set(clientToken, task);
    const key = typeof tags['qonduit-job'] === 'string' ? tags['qonduit-job'] : clientToken;
    submissions.set(key, (submissions.get(key) ?? 0) + 1);
    return json(201, { quantumTaskArn: task.arn });
  }

  // Braket measures the qubits the program measures (all of them if it measures none) and
  // writes one row per shot, one column per measured qubit.
  function complete(task: FakeBraketTask): void {
    const explicit = task.circuit.ops.flatMap((op) => (op.kind === 'measure' ? [op.qubit] : []));
    const measuredQubits =
      explicit.length > 0
        ? [...new Set(explicit)].sort((a, b) => a - b)
        : [...Array(task.circuit.qubits).keys()];
    const rows = sampleQubits(task.circuit, task.shots).map((shot) =>
      measuredQubits.map((q) => shot[q] ?? 0),
    );
    const result = {
      braketSchemaHeader: { name: 'braket.task_result.gate_model_task_result', version: '1' },
      measurements: rows,
      measuredQubits,
      taskMetadata: {
        braketSchemaHeader: { name: 'braket.task_result.task_metadata', version: '1' },
        id: task.arn,
        shots: task.shots,
        deviceId: task.deviceArn,
      },
      additionalMetadata: {
        action: { braketSchemaHeader: { name: 'braket.ir.openqasm.program', version: '1' } },
      },
    };
    s3Objects.set(`${task.bucket}/${task.prefix}/${task.id}/results.json`, JSON.stringify(result));
  }

  function describe(task: FakeBraketTask): Record<string, unknown> {
    return {
      quantumTaskArn: task.arn,
      status: task.status,
      deviceArn: task.deviceArn,
      shots: task.shots,
      outputS3Bucket: task.bucket,
      outputS3Directory: `${task.prefix}/${task.id}`,
      createdAt: new Date().toISOString(),
    };
  }

  function braketRoute(req: FakeRequest): FakeReply {
    const check = verifySigV4(req, expectation('braket'));
    if (!check.ok) {
      const { status, type } = BRAKET_ERRORS[check.failure];
      return awsError(status, type, check.message);
    }
    if (req.method === 'POST' && req.route === '/devices') {
      const body = parseJson(req.body);
      if (!isObject(body) || !Array.isArray(body.filters))
        return awsError(400, 'ValidationException', 'filters is required');
      const max = typeof body.maxResults === 'number' ? body.maxResults : 100;
      return json(200, { devices: devices.slice(0, max) });
    }
    if (req.method === 'POST' && req.route === '/quantum-task') return createTask(parseJson(req.body));
    const m = /^\/quantum-task\/([^/]+)(\/cancel)?$/.exec(req.route);
    const task = m === null ? undefined : tasks.get(decodeURIComponent(m[1] ?? ''));
    if (m === null) return awsError(404, 'UnknownOperationException', 'Unknown operation');
    if (task === undefined) return awsError(404, 'ResourceNotFoundException', 'Quantum task not found');
    if (req.method === 'GET' && m[2] === undefined) {
      if (task.status === 'QUEUED' || task.status === 'RUNNING') {
        task.polls += 1;
        task.status = task.polls >= pollsUntilDone ? 'COMPLETED' : 'RUNNING';
        if (task.status === 'COMPLETED') complete(task);
      } else if (task.status === 'CANCELLING') {
        task.status = 'CANCELLED';
      }
      return json(200, describe(task));
    }
    if (req.method === 'PUT' && m[2] === '/cancel') {
      const body = parseJson(req.body);
      if (!isObject(body) || typeof body.clientToken !== 'string')
        return awsError(400, 'ValidationException', 'clientToken is required');
      if (task.status === 'QUEUED' || task.status === 'RUNNING') task.status = 'CANCELLING';
      return json(200, {
        cancellationStatus: task.status === 'CANCELLED' ? 'CANCELLED' : 'CANCELLING',
        quantumTaskArn: task.arn,
      });
    }
    return awsError(404, 'UnknownOperationException', 'Unknown operation');
  }

  function s3Route(req: FakeRequest): FakeReply {
    const check = verifySigV4(req, expectation('s3'));
    if (!check.ok) {
      const { status, code } = S3_ERRORS[check.failure];
      return s3Error(status, code, check.message);
    }
    if (req.method !== 'GET')
      return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    const key = req.route.slice(1).split('/').map(decodeURIComponent).join('/');
    const object = s3Objects.get(key);
    if (object === undefined) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: object };
  }

  const braket = await startFakeServer(braketRoute);
  const s3 = await startFakeServer(s3Route);
  return {
    ...braket,
    s3Url: s3.url,
    s3Requests: s3.requests,
    s3Objects,
    tasks,
    submissions,
    close: async () => {
      await Promise.all([braket.close(), s3.close()]);
    },
  };
}
