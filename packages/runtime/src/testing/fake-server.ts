import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// The scaffolding every fake provider shares: a node:http server on 127.0.0.1, a log of what
// it was asked, and switches that make it fail the way real providers fail.

export interface RecordedRequest {
  method: string;
  /** The raw request target, query included, exactly as the client sent it. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  body?: unknown;
}

export interface FakeRequest extends RecordedRequest {
  /** The path below the fake's base path, without the query. */
  route: string;
  query: URLSearchParams;
}

export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  /** The base URL to configure (origin + base path, no trailing slash). */
  readonly url: string;
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** The next `times` requests answer `status` (5xx and 429 read as "unreachable"). */
  failNext(status: number, times?: number): void;
  /** The next request never gets an answer, as a hung provider would behave. */
  stallNext(): void;
  /**
   * From now on, requests that `match` are carried out at once (a submission is accepted) but
   * answered only `ms` later, as a slow provider, or one whose answer is lost in flight, does.
   */
  slowDown(ms: number, match?: (request: RecordedRequest) => boolean): void;
  close(): Promise<void>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeReply {
  return { status, body, headers: { 'content-type': 'application/json', ...headers } };
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, reply: FakeReply): void {
  const body =
    reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, reply.headers ?? {});
  res.end(body);
}

export async function startFakeServer(
  handler: FakeHandler,
  options: { basePath?: string } = {},
): Promise<FakeServer> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const requests: RecordedRequest[] = [];
  const failures: number[] = [];
  let stalls = 0;
  let slow: { ms: number; match: (request: RecordedRequest) => boolean } | null = null;

  const server = createServer((req, res) => {
    void (async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: flatHeaders(req),
        body: await readBody(req),
      };
      requests.push(recorded);
      if (stalls > 0) {
        stalls -= 1;
        return; // left open until close() drops the connection
      }
      const failure = failures.shift();
      if (failure !== undefined) {
        write(res, json(failure, { message: `injected failure ${failure}` }));
        return;
      }
      const target = new URL(recorded.path, 'http://fake.invalid');
      if (!target.pathname.startsWith(`${basePath}/`) && target.pathname !== basePath) {
        write(res, json(404, { message: 'not found' }));
        return;
      }
      const route = target.pathname.slice(basePath.length) || '/';
      try {
        const reply = await handler({ ...recorded, route, query: target.searchParams });
        if (slow !== null && slow.match(recorded)) await new Promise((resolve) => setTimeout(resolve, slow?.ms ?? 0));
        if (!res.destroyed) write(res, reply);
      } catch (error) {
        write(res, json(500, { message: error instanceof Error ? error.message : 'fake server error' }));
      }
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closed = false;

  return {
    url: `${origin}${basePath}`,
    origin,
    requests,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    stallNext() {
      stalls += 1;
    },
    slowDown(ms, match = () => true) {
      slow = { ms, match };
    },
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (a server was bound there and closed again). */
export async function closedPortUrl(path = ''): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
