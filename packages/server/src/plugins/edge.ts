import helmet from '@fastify/helmet';
import { AppError } from '@qonduit/core';
import type { FastifyInstance } from 'fastify';

// What every request and answer goes through before any route: text the databases cannot store
// is refused, and every answer carries the headers that keep browsers from misreading it.

// PostgreSQL refuses NUL in text (and in jsonb), and a lone UTF-16 surrogate has no UTF-8 form:
// the driver would silently store U+FFFD instead. Neither belongs in a name, an id or a token.
const FORBIDDEN_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FORBIDDEN_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** No request body of the API nests deeper; a deeper one is refused before anything walks it. */
export const MAX_BODY_DEPTH = 64;

export function hasForbiddenText(value: string): boolean {
  return FORBIDDEN_TEXT.test(value);
}

function refuse(field: string, message: string): AppError {
  return new AppError('validation_failed', `${field} ${message}`, { details: [{ field, message }] });
}

/** Checks every string (and key) of a parsed value, iteratively, so that depth cannot overflow the stack. */
export function checkText(root: unknown, name: string, maxDepth: number): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: name, depth: 0 }];
  for (;;) {
    const item = stack.pop();
    if (!item) return;
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      if (hasForbiddenText(value)) throw refuse(path, FORBIDDEN_MESSAGE);
      continue;
    }
    if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) continue;
    if (depth >= maxDepth) throw refuse(name, `nests too deeply (at most ${maxDepth} levels)`);
    for (const [key, child] of Object.entries(value)) {
      if (hasForbiddenText(key)) throw refuse(path, `has a field name that ${FORBIDDEN_MESSAGE}`);
      stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

export async function registerEdge(app: FastifyInstance): Promise<void> {
  // Headers only; the web UI's pages set their own strict Content-Security-Policy (web-ui.ts),
  // and HSTS is the TLS terminator's to decide.
  await app.register(helmet, { global: true, contentSecurityPolicy: false, hsts: false });

  // Path and query arrive before authentication runs its queries: check them first.
  app.addHook('onRequest', async (request) => {
    checkText(request.params, 'params', 4);
    checkText(request.query, 'query', 4);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) checkText(request.body, 'body', MAX_BODY_DEPTH);
  });

  // An API answer is never for a cache: some carry secrets (a new token, a session cookie), and
  // the rest are one user's data. Static files of the web UI keep their own caching.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('cache-control') && (request.routeOptions.config.access !== undefined || reply.statusCode >= 400)) {
      void reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
