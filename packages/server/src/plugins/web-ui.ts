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
  await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  return true;
}

/** Whether a request that matched no route is one of the single-page app's own pages. */
export function isAppPage(method: string, url: string): boolean {
  const pathname = url.split('?')[0] ?? '/';
  return method === 'GET' && !API_PREFIXES.some((p) => pathname.startsWith(p)) && path.extname(pathname) === '';
}
