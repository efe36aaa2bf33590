import { test, expect } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { bin, freePort, login, panelCli, waitFor } from '../support/own-panel';
import { PASSWORD } from './helpers';

// The panel as installed (issue 20): the binary alone, copied into a directory of its own with no
// target/ anywhere near, started from an empty working directory with a fresh HOME and every
// default (data dir under HOME, the site built into the binary): the page hydrates with its wasm.
// Then SIGTERM lands while a save is on its way: the process exits 0, every file of the state is
// whole (the old token set or the new one, never half a file), and no temporary or lock file is
// left behind.

const OLD_TOKEN = `sk-ant-oat01-${'INSTALLOLD'.repeat(8)}-OK`;
const NEW_TOKEN = `sk-ant-oat01-${'INSTALLNEW'.repeat(8)}-OK`;

let tmp = '';
let panel: ChildProcess | undefined;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });

test.afterAll(async () => {
  if (panel?.pid !== undefined && panel.exitCode === null && panel.signalCode === null) {
    try { process.kill(-panel.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(full).map((f) => path.join(entry.name, f)));
    else out.push(entry.name);
  }
  return out;
}

test('the binary alone serves a hydrated page; SIGTERM during a save leaves whole files and exits 0', async ({ page }) => {
  test.setTimeout(90_000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-install-e2e-'));
  const installed = path.join(tmp, 'opt', 'openclaw-auth-panel');
  fs.mkdirSync(path.dirname(installed), { recursive: true });
  fs.copyFileSync(bin, installed);
  fs.chmodSync(installed, 0o755);
  const home = path.join(tmp, 'home');
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(home);
  fs.mkdirSync(empty);
  const state = path.join(home, '.openclaw');
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(
    path.join(state, 'openclaw.json'),
    JSON.stringify({ meta: { lastTouchedVersion: '2026.5.28' }, agents: { defaults: { model: { primary: 'anthropic/claude-sonnet-4-5' } } } }),
    { mode: 0o600 },
  );
  panelCli(state, ['auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'work', '--expires-in', '30d'], OLD_TOKEN);

  const env = {
    PATH: '/usr/bin:/bin',
    HOME: home,
    OPENCLAW_PANEL_LOG: 'info',
  };
  const reset = spawnSync(installed, ['reset-password'], { cwd: empty, env, input: `${PASSWORD}\n`, encoding: 'utf8' });
  expect(reset.status, reset.stderr).toBe(0);
  expect(fs.existsSync(path.join(home, '.local/state/openclaw-auth-panel/admin-password')), 'the default data dir').toBe(true);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = path.join(tmp, 'panel.log');
  panel = spawn(installed, ['serve', '--bind', `127.0.0.1:${port}`, '--no-process-env', '--alert-interval', '0'], {
    cwd: empty,
    detached: true,
    env,
    stdio: ['ignore', 'ignore', fs.openSync(log, 'w')],
  });
  const child = panel;
  exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await waitFor(`${url}/login`, (s) => s === 200, 30, 'the installed panel', log);

  const wasm: number[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('_bg.wasm')) wasm.push(r.status());
  });
  await login(page, url); // waits for html[data-hydrated="true"]
  // Loaded by the login page and again (from the cache) by the profiles page: always 200.
  expect(wasm.length, 'the wasm came from the binary').toBeGreaterThan(0);
  expect(wasm.every((s) => s === 200), `wasm answers: ${wasm}`).toBe(true);
  await expect(page.locator('tr[data-profile="anthropic:work"]')).toContainText('sk-ant-o...');
  expect(fs.readdirSync(empty), 'nothing written into the working directory').toEqual([]);

  // A save, and SIGTERM the moment the browser sends it.
  await page.getByRole('button', { name: 'Add a credential' }).click();
  await page.locator('#paste-provider').fill('anthropic');
  await page.locator('#paste-kind-token').check();
  await page.locator('#paste-profile').fill('second');
  await page.locator('#paste-secret').fill(NEW_TOKEN);
  let signalled = false;
  page.on('request', (request) => {
    if (!signalled && request.method() === 'POST' && new URL(request.url()).pathname === '/api/paste') {
      signalled = true;
      process.kill(child.pid!, 'SIGTERM');
    }
  });
  const started = Date.now();
  await page.getByRole('button', { name: 'Check and save' }).click();
  const { code, signal } = await exited;
  const took = Date.now() - started;
  expect(signalled, 'the save was sent').toBe(true);
  expect({ code, signal }, fs.readFileSync(log, 'utf8').slice(-2000)).toEqual({ code: 0, signal: null });
  expect(took, 'stopped within the 5 s drain').toBeLessThan(6_500);

  // Whole files: every JSON of the state parses; the new profile is absent or complete.
  const all = files(state);
  const leftovers = all.filter((f) => /\.tmp|\.lock$|~$/.test(f) || path.basename(f).startsWith('.tmp'));
  expect(leftovers, all.join('\n')).toEqual([]);
  let found: string[] = [];
  for (const f of all.filter((f) => f.endsWith('.json'))) {
    const text = fs.readFileSync(path.join(state, f), 'utf8');
    expect(() => JSON.parse(text), `${f} is whole`).not.toThrow();
    if (text.includes('anthropic:second')) found.push(f);
  }
  const status = spawnSync(bin, ['status', '--json', '--state-dir', state, '--no-process-env'], { encoding: 'utf8' });
  const profiles: { profileId: string }[] = JSON.parse(status.stdout).auth.oauth.profiles;
  const ids = profiles.map((p) => p.profileId);
  expect(ids).toContain('anthropic:work');
  const store = path.join(state, 'agents/main/agent/auth-profiles.json');
  const tokens = JSON.stringify(JSON.parse(fs.readFileSync(store, 'utf8')));
  expect(tokens).toContain(OLD_TOKEN);
  if (ids.includes('anthropic:second')) {
    expect(tokens, 'the new profile is whole').toContain(NEW_TOKEN);
  } else {
    expect(tokens).not.toContain('INSTALLNEW');
  }
  console.log(`install: SIGTERM during the save → exit 0 after ${took} ms; the save ${ids.includes('anthropic:second') ? 'landed' : 'did not land'} (files with it: ${found.join(', ') || 'none'})`);
});
