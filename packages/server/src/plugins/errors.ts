import { AppError } from '@qonduit/core';
import { ERROR_STATUS } from '@qonduit/contract';
import type { ErrorCode, ErrorDetail, SecondFactorChallenge } from '@qonduit/contract';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { isAppPage } from './web-ui';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fieldOf(context: string | undefined, issue: AjvIssue): string {
  const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const extra =
    typeof issue.params.missingProperty === 'string'
      ? issue.params.missingProperty
      : typeof issue.params.additionalProperty === 'string'
        ? issue.params.additionalProperty
        : '';
  const field = [base, extra].filter(Boolean).join('.');
  return field || (context ?? 'body');
}

function messageOf(issue: AjvIssue): string {
  switch (issue.keyword) {
    case 'additionalProperties':
      return 'is not a known field';
    case 'required':
      return 'is required';
    case 'format':
      return `must be a valid ${String(issue.params.format)}`;
    // Ajv's own wording ("must NOT have fewer than 1 characters") reaches people through the
    // CLI and the web: say it as a person would.
    case 'minLength':
      return issue.params.limit === 1 ? 'must not be empty' : `must be at least ${String(issue.params.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(issue.params.limit)} characters long`;
    case 'minItems':
      return issue.params.limit === 1 ? 'must not be empty' : `must hold at least ${String(issue.params.limit)} items`;
    case 'maxItems':
      return `must hold at most ${String(issue.params.limit)} items`;
    case 'minimum':
      return `must be at least ${String(issue.params.limit)}`;
    case 'maximum':
      return `must be at most ${String(issue.params.limit)}`;
    case 'pattern':
      return 'is not in the expected form';
    case 'enum':
      return Array.isArray(issue.params.allowedValues) ? `must be one of ${issue.params.allowedValues.map(String).join(', ')}` : 'is not an allowed value';
    default:
      return issue.message ?? 'is invalid';
  }
}

export function validationDetails(context: string | undefined, issues: AjvIssue[]): ErrorDetail[] {
  return issues.map((i) => ({ field: fieldOf(context, i), message: messageOf(i) }));
}

/** Extra fields some routes add to every error (PlanQK's `error_message` on /quantum). */
export type ErrorDecorator = (request: FastifyRequest, body: Record<string, unknown>) => void;

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details?: ErrorDetail[],
  headers?: Record<string, string>,
  challenge?: SecondFactorChallenge,
) {
  const body: Record<string, unknown> = {
    error: { code, message, request_id: request.id, ...(details ? { details } : {}), ...(challenge ? { challenge } : {}) },
  };
  if (request.url.startsWith('/quantum')) body.error_message = message;
  if (headers) void reply.headers(headers);
  return reply.status(ERROR_STATUS[code]).type('application/json').send(body);
}

/**
 * Errors Fastify meets before routing (a malformed percent-escape in the path): no hook runs for
 * them, so the headers every answer carries are set here.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  if (err.code === 'FST_ERR_BAD_URL') {
    void sendError(request, reply, 'validation_failed', 'The URL is malformed: it has an invalid percent-escape', [{ field: 'url', message: 'has an invalid percent-escape' }]);
    return;
  }
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(request, reply, 'validation_failed', 'A part of the URL path is too long', [{ field: 'url', message: 'has a path segment that is too long' }]);
    return;
  }
  request.log.error({ err }, 'unexpected framework error');
  void sendError(request, reply, 'internal', 'Something went wrong on our side; the request ID helps us find it');
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', message: 'The request took too long to arrive' },
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', message: 'The request headers are too large' },
};

/**
 * Requests the HTTP parser cannot read (an unknown method, a malformed line or header) never
 * reach Fastify; they too get our error body. The socket carries nothing after it.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (err.code && CLIENT_ERRORS[err.code]) || { status: 400, reason: 'Bad Request', message: 'The request is not valid HTTP' };
  const code: ErrorCode = known.status === 400 ? 'validation_failed' : known.status === 408 ? 'unavailable' : 'payload_too_large';
  const body = JSON.stringify({ error: { code, message: known.message, request_id: randomUUID() } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

// One handler maps every error to {error:{code, message, request_id, details?}}. Anything not
// expected is logged with its cause and answered with a plain 500.
export function registerErrorHandling(app: FastifyInstance, options: { webUi: () => boolean } = { webUi: () => false }): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      return sendError(request, reply, err.code, err.message, err.details, err.headers, err.challenge);
    }
    if (err.validation) {
      const details = validationDetails(err.validationContext, err.validation);
      const first = details[0];
      const message = first ? `${first.field} ${first.message}` : 'The request is invalid';
      return sendError(request, reply, 'validation_failed', message, details);
    }
    switch (err.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(request, reply, 'invalid_json', 'The request body is not valid JSON');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(request, reply, 'payload_too_large', 'The request body is too large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(request, reply, 'unsupported_media_type', 'Send the request body as application/json');
      default:
        break;
    }
    if (err.statusCode === 400 && err instanceof SyntaxError) {
      return sendError(request, reply, 'invalid_json', 'The request body is not valid JSON');
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      request.log.info({ code: err.code }, 'client error');
      return sendError(request, reply, 'validation_failed', err.message);
    }
    request.log.error({ err }, 'unexpected error');
    return sendError(request, reply, 'internal', 'Something went wrong on our side; the request ID helps us find it');
  });

  app.setNotFoundHandler((request, reply) => {
    // The web UI's own routes (/settings/tokens, ...) load index.html, so a refresh works.
    if (options.webUi() && isAppPage(request.method, request.url)) return reply.type('text/html').sendFile('index.html');
    return sendError(request, reply, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
  });
}
