// What the web UI's end-to-end tests stand on: a built UI, Debian's Chromium through
// playwright-core, and a place for screenshots that CI keeps.
import { existsSync, mkdirSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';

export const WEB_DIR = path.resolve(import.meta.dirname, '../..');
export const DIST_DIR = path.join(WEB_DIR, 'dist');
const REPO_ROOT = path.resolve(WEB_DIR, '../..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.ci', 'artifacts', 'screenshots');
/** The two screenshots the README shows, kept in the repository. */
export const README_SCREENSHOT_DIR = path.join(WEB_DIR, 'screenshots');

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

function newestMtime(target: string, skip: (p: string) => boolean): number {
  if (!existsSync(target) || skip(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((name) => newestMtime(path.join(target, name), skip)));
}

/** Builds the UI when dist/ is missing or older than anything it is built from (the SDK included). */
export async function ensureBuilt(): Promise<void> {
  const index = path.join(DIST_DIR, 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const notBundled = (p: string) => p.includes(`${path.sep}e2e`) || p.endsWith('.test.ts') || p.includes('node_modules');
  const sources = [
    path.join(WEB_DIR, 'src'),
    path.join(WEB_DIR, 'index.html'),
    path.join(WEB_DIR, 'vite.config.ts'),
    path.join(WEB_DIR, 'package.json'),
    path.join(REPO_ROOT, 'packages', 'sdk', 'src'),
    path.join(REPO_ROOT, 'packages', 'contract', 'src'),
  ];
  const changedAt = Math.max(...sources.map((s) => newestMtime(s, notBundled)));
  if (builtAt > changedAt) return;
  // Vitest sets NODE_ENV=test, which would bundle React's development build: build as `vite build` does.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_DIR, configFile: path.join(WEB_DIR, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

export async function newContext(browser: Browser, baseURL: string, viewport: ViewportName = 'desktop'): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORTS[viewport], deviceScaleFactor: 1, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' });
  // Playwright's default of 30 s would outlast the test's own timeout and hide where it hung.
  context.setDefaultTimeout(10_000);
  return context;
}

/** The whole page; `window` for what is on screen only (a full-page shot garbles an open modal dialog). */
export async function screenshot(page: Page, name: string, area: 'page' | 'window' = 'page'): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: area === 'page' });
  return file;
}

/**
 * Copies a screenshot next to the README when it is not there yet, or when
 * QONDUIT_UPDATE_SCREENSHOTS=1 asks for fresh ones: an ordinary test run must not leave the
 * work tree changed (each run's screenshots differ in their dates).
 */
export function keepForReadme(file: string, env: NodeJS.ProcessEnv = process.env): void {
  const target = path.join(README_SCREENSHOT_DIR, path.basename(file));
  if (existsSync(target) && env.QONDUIT_UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(README_SCREENSHOT_DIR, { recursive: true });
  copyFileSync(file, target);
}

/** Whether the page is wider than the window (something makes a phone scroll sideways). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
