import type { LoggerOptions } from 'pino';

// Secrets never reach a log line (CONVENTIONS.md, habit 8): request headers that carry them,
// and any body field that could, are redacted wherever they appear.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.tokens',
  '*.credentials',
  '*.secret',
  '*.api_key',
  '*.secret_access_key',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Query strings can carry tokens by mistake; log the path only.
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        id: req.id,
        ip: req.ip,
      }),
    },
  };
}
