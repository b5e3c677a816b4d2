import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';

// The web UI (packages/web, built by `npm run build`) is served at `/`. Paths the API owns
// never fall back to the UI; any other GET answers index.html, so that the single-page app's
// own routes (/settings/tokens, ...) load on refresh.
const API_PREFIXES = ['/api/', '/my/', '/quantum', '/proxy/', '/authorize', '/docs', '/openapi.json', '/healthz'];

export const DEFAULT_WEB_DIR = path.resolve(import.meta.dirname, '../../../web/dist');

export async function registerWebUi(app: FastifyInstance, webDir: string): Promise<boolean> {
  if (!existsSync(path.join(webDir, 'index.html'))) {
    app.log.warn({ web_dir: webDir }, 'the web UI is not built (npm run build); serving the API only');
    return false;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders: (res, filePath) => {
      if (filePath.endsWith('.html')) for (const [name, value] of Object.entries(PAGE_HEADERS)) void res.header(name, value);
    },
  });
  return true;
}

// The app is one script and one stylesheet from its own origin, and holds sessions: nothing
// inline, nothing from elsewhere, no framing (clickjacking on the token pages).
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Whether a request that matched no route is one of the single-page app's own pages. */
export function isAppPage(method: string, url: string): boolean {
  const pathname = url.split('?')[0] ?? '/';
  return method === 'GET' && !API_PREFIXES.some((p) => pathname.startsWith(p)) && path.extname(pathname) === '';
}
