// A panel of a spec's own, on a state dir the spec builds (not the shared demo servers of
// playwright.config.ts): started with a known admin password, stopped with everything else the
// spec started, by process group, also when a step fails.
import { expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

import { PASSWORD } from '../tests/helpers';

export const root = path.join(__dirname, '..', '..');
export const bin = path.resolve(root, process.env.PANEL_BIN ?? 'target/debug/openclaw-auth-panel');

/** Children to stop when the spec ends. */
export const children: ChildProcess[] = [];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitFor(url: string, ok: (status: number) => boolean, seconds: number, what: string, log?: string) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      const answer = await fetch(url);
      if (ok(answer.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = log && fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
  throw new Error(`${what} not ready after ${seconds} s (${url}) ${tail}`);
}

/** The panel's CLI on `state`; fails the test unless it exits 0. */
export function panelCli(state: string, args: string[], input?: string): string {
  const run = spawnSync(bin, [...args, '--state-dir', state], {
    input,
    encoding: 'utf8',
    env: { ...process.env, OPENCLAW_STATE_DIR: '', OPENCLAW_GATEWAY_TOKEN: '', OPENCLAW_PANEL_NO_PROCESS_ENV: 'true' },
  });
  expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  return run.stdout;
}

/** Starts a panel on `state` with its data in `tmp/panel-data`; its URL. */
export async function startPanel(tmp: string, state: string, extra: string[] = []): Promise<string> {
  const data = path.join(tmp, 'panel-data');
  const reset = spawnSync(bin, ['reset-password', '--data-dir', data], { input: `${PASSWORD}\n`, encoding: 'utf8' });
  expect(reset.status, reset.stderr).toBe(0);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = path.join(tmp, 'panel.log');
  const server = spawn(
    bin,
    ['serve', '--state-dir', state, '--data-dir', data, '--bind', `127.0.0.1:${port}`, '--no-process-env', ...extra],
    { cwd: root, detached: true, stdio: ['ignore', 'ignore', fs.openSync(log, 'w')], env: { ...process.env, OPENCLAW_STATE_DIR: '', OPENCLAW_GATEWAY_TOKEN: '' } },
  );
  children.push(server);
  await waitFor(`${url}/login`, (s) => s === 200, 30, 'the panel', log);
  return url;
}

/** Stops every child (SIGTERM to its group, SIGKILL after 15 s). */
export async function stopAll() {
  for (const child of children.splice(0).reverse()) {
    if (child.pid === undefined || child.exitCode !== null) continue;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { continue; }
    const until = Date.now() + 15_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}

export async function login(page: Page, url: string) {
  await page.goto(`${url}/login`);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${url}/`);
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}
