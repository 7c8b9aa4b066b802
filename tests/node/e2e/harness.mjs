// Shared by the browser tests: starts the real `empathic serve` on a free loopback port with a
// temporary --home, and a headless Debian chromium driven by playwright-core. Nothing leaves
// loopback: chromium runs with background networking off and every request that is not for
// the test server is aborted (and counted, so a test can assert there were none).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const here = new URL('.', import.meta.url).pathname;
export const outputDir = process.env.EMPATHIC_TEST_OUTPUT || resolve(here, '../../output');
mkdirSync(outputDir, { recursive: true });

/** Starts `empathic serve --port 0`; resolves to {url, stop(), log()}. */
export async function startServer() {
  const binary = process.env.EMPATHIC_BINARY;
  if (!binary) throw new Error('set EMPATHIC_BINARY to the empathic binary');
  const home = mkdtempSync(join(tmpdir(), 'empathic-e2e-'));
  const env = { ...process.env, EMPATHIC_LOG: 'info' };
  delete env.EMPATHIC_HOME;
  const proc = spawn(binary, ['--home', home, 'serve', '--port', '0'], { env });
  let log = '';
  proc.stderr.on('data', (chunk) => { log += chunk; });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 30000);
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/http:\/\/[^/\s]+\//);
      if (match) { clearTimeout(timer); resolveUrl(match[0]); }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${log}`)));
  });
  return {
    url,
    log: () => log,
    async api(method, path, body) {
      const response = await fetch(new URL(path, url), {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      const data = await response.json();
      if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(data)}`);
      return data;
    },
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Launches headless chromium with a fresh profile; resolves to {browser, newPage, close}. */
export async function startBrowser(serverUrl) {
  const profile = mkdtempSync(join(tmpdir(), 'empathic-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1280, height: 900 },
  });
  const foreign = [];
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target.startsWith(serverUrl) || target.startsWith('data:') || target.startsWith('blob:')) {
      return route.continue();
    }
    foreign.push(target);
    return route.abort();
  });
  const pageErrors = [];
  return {
    context,
    foreign,
    pageErrors,
    async newPage(options = {}) {
      const page = await context.newPage();
      if (options.viewport) await page.setViewportSize(options.viewport);
      page.on('pageerror', (err) => pageErrors.push(String(err)));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as tests/output/<name>.png. */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
}
