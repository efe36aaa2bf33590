import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { login, panelCli, startPanel, stopAll } from '../support/own-panel';
import { startStandIn, type StandIn } from '../support/provider-stand-in';

// Live checks in the browser, against a provider stand-in on loopback (support/provider-stand-in):
// *Check all* of an agent shows every result class under its row (screenshots light and dark);
// *Check* on one row; the billed check of a setup token only after its confirm; *Check before
// saving* on the paste form (nothing saved); the Doctor's live section.

const shotDir = path.join(__dirname, '..', 'screenshots');
const PAD = 'E2EPROBE'.repeat(6);
const key = (outcome: string) => `sk-ant-api03-${PAD}-${outcome}`;
const token = (outcome: string) => `sk-ant-oat01-${PAD}${PAD}-${outcome}`;

let tmp = '';
let state = '';
let panelURL = '';
let standIn: StandIn;
let closedPort: net.Server;

// Each credential and the class its check must show.
const CASES: [string, string, string, string][] = [
  // provider, profile name, kind, secret
  ['anthropic', 'key-ok', 'api_key', key('OK')],
  ['anthropic', 'key-bad', 'api_key', key('INVALID')],
  ['anthropic', 'token-as-key', 'api_key', token('INVALID')],
  ['anthropic', 'key-broke', 'api_key', key('BILLING')],
  ['anthropic', 'key-busy', 'api_key', key('RATE')],
  ['anthropic', 'key-region', 'api_key', key('REGION')],
  ['anthropic', 'key-500', 'api_key', key('ERROR500')],
  ['anthropic', 'tok-cc', 'token', token('CCONLY')],
  ['anthropic', 'tok-old', 'token', token('EXPIRED')],
  ['openrouter', 'router', 'api_key', `sk-or-v1-${PAD}-OK`],
  ['openai', 'slow', 'api_key', `sk-proj-${PAD}-SLOW`],
  ['xai', 'down', 'api_key', `xai-${PAD}-OK`],
];
const EXPECTED: Record<string, string> = {
  'anthropic:key-ok': 'ok',
  'anthropic:key-bad': 'invalid',
  'anthropic:token-as-key': 'wrong-type',
  'anthropic:key-broke': 'billing',
  'anthropic:key-busy': 'rate-limited',
  'anthropic:key-region': 'region-blocked',
  'anthropic:key-500': 'unknown',
  'anthropic:tok-cc': 'not-checked',
  'anthropic:tok-old': 'not-checked',
  'openrouter:router': 'ok',
  'openai:slow': 'timeout',
  'xai:down': 'unreachable',
};

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(60_000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-probe-e2e-'));
  state = path.join(tmp, '.openclaw');
  fs.mkdirSync(state, { recursive: true });
  standIn = await startStandIn();
  // A port that refuses connections for the unreachable case, held open (bound, not listening)
  // by nobody: take a free one and close it.
  closedPort = net.createServer();
  await new Promise<void>((r) => closedPort.listen(0, '127.0.0.1', () => r()));
  const closed = (closedPort.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closedPort.close(() => r()));
  const base = `http://127.0.0.1:${standIn.port}`;
  const config = {
    meta: { lastTouchedVersion: '2026.5.28' },
    agents: { defaults: { model: { primary: 'anthropic/claude-sonnet-4-5' } } },
    models: { providers: {
      anthropic: { baseUrl: base, models: [{ id: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5' }] },
      openrouter: { baseUrl: `${base}/api/v1`, models: [{ id: 'openrouter/auto', name: 'Auto' }] },
      openai: { baseUrl: `${base}/openai/v1`, models: [{ id: 'gpt-4o-mini', name: 'GPT-4o mini' }] },
      xai: { baseUrl: `http://127.0.0.1:${closed}/v1`, models: [{ id: 'grok-4', name: 'Grok' }] },
    } },
  };
  fs.writeFileSync(path.join(state, 'openclaw.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  for (const [provider, name, kind, secret] of CASES) {
    const command = kind === 'token' ? 'paste-token' : 'paste-api-key';
    panelCli(state, ['auth', command, '--provider', provider, '--profile-id', name], secret);
  }
  panelURL = await startPanel(tmp, state, ['--probe-timeout', '2']);
});

test.afterAll(async () => {
  test.setTimeout(40_000);
  await stopAll();
  await standIn?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const main = (page: Page) => page.locator('section[data-agent="main"]');
const probeRow = (page: Page, id: string) => main(page).locator(`tr.probe-row[data-probe-for="${id}"]`);

test('Check all shows every result class under its row; Check on one row; a billed check only after its confirm', async ({ page }) => {
  test.setTimeout(90_000);
  fs.mkdirSync(shotDir, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, panelURL);

  // One row first.
  await main(page).getByRole('button', { name: 'Check anthropic:key-ok live with its provider' }).click();
  await expect(probeRow(page, 'anthropic:key-ok').locator('.probe')).toHaveAttribute('data-class', 'ok');
  await expect(probeRow(page, 'anthropic:key-ok')).toContainText('works');
  await expect(probeRow(page, 'anthropic:key-ok')).toContainText('free request');

  await main(page).getByRole('button', { name: 'Check every credential of agent main live' }).click();
  for (const [id, cls] of Object.entries(EXPECTED)) {
    await expect(probeRow(page, id).locator('.probe'), id).toHaveAttribute('data-class', cls, { timeout: 15_000 });
  }
  await expect(probeRow(page, 'anthropic:key-bad')).toContainText('invalid x-api-key');
  await expect(probeRow(page, 'anthropic:token-as-key')).toContainText('paste it again as a token');
  await expect(probeRow(page, 'anthropic:key-busy')).toContainText('Try again in a minute');
  await expect(probeRow(page, 'openrouter:router')).toContainText('remaining');
  await expect(probeRow(page, 'openai:slow')).toContainText('did not answer within 2 s');
  // No completion request was sent: the checks so far are all free listings.
  expect(standIn.seen.filter((r) => r.method === 'POST')).toEqual([]);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await main(page).screenshot({ path: path.join(shotDir, `probe-results-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // A setup token: the billed check is offered, and sent only after its confirm.
  const cc = probeRow(page, 'anthropic:tok-cc');
  await expect(cc).toContainText('billed request proves this credential');
  await cc.getByRole('button', { name: 'Check with a billed request…' }).click();
  await expect(cc.locator('.probe-billed')).toContainText('billed to its account');
  expect(standIn.seen.filter((r) => r.method === 'POST')).toEqual([]);
  await cc.getByRole('button', { name: 'Send the billed check' }).click();
  await expect(cc.locator('.probe')).toHaveAttribute('data-class', 'claude-code-only');
  await expect(cc).toContainText('paste an Anthropic API key');
  await expect(cc).toContainText('billed request (1 token)');
  const posts = standIn.seen.filter((r) => r.method === 'POST');
  expect(posts.map((r) => [r.path, r.header])).toEqual([['/v1/messages', 'authorization']]);
  const old = probeRow(page, 'anthropic:tok-old');
  await old.getByRole('button', { name: 'Check with a billed request…' }).click();
  await old.getByRole('button', { name: 'Send the billed check' }).click();
  await expect(old.locator('.probe')).toHaveAttribute('data-class', 'expired');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await main(page).locator('tbody').filter({ has: page.locator('tr[data-profile="anthropic:tok-cc"]') }).screenshot({
      path: path.join(shotDir, `probe-billed-${scheme}.png`),
    });
  }
  const html = await page.content();
  expect(html).not.toContain(PAD);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('Check before saving checks the pasted secret and saves nothing', async ({ page }) => {
  await login(page, panelURL);
  const rows = await main(page).locator('tr.profile').count();
  await page.getByRole('button', { name: 'Add a credential' }).click();
  await page.locator('#paste-provider').fill('anthropic');
  await page.locator('#paste-kind-api_key').check();
  await page.locator('#paste-secret').fill(key('INVALID'));
  await page.getByRole('button', { name: 'Check before saving' }).click();
  const live = page.locator('.paste-live .probe');
  await expect(live).toHaveAttribute('data-class', 'invalid');
  await expect(live).toContainText('invalid x-api-key');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator('section.paste').screenshot({ path: path.join(shotDir, `probe-before-saving-${scheme}.png`) });
  }
  // An edit makes the result stale: it goes.
  await page.locator('#paste-secret').fill(key('OK'));
  await expect(live).toHaveCount(0);
  await page.getByRole('button', { name: 'Check before saving' }).click();
  await expect(live).toHaveAttribute('data-class', 'ok');
  await page.reload();
  await expect(main(page).locator('tr.profile')).toHaveCount(rows);
  expect(await page.content()).not.toContain(PAD);
});

test('the Doctor runs the live checks and offers OpenClaw\'s own probe behind its cost', async ({ page }) => {
  await login(page, panelURL);
  await page.goto(`${panelURL}/doctor`);
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
  const live = page.locator('section.live-checks');
  await live.getByRole('button', { name: 'Run live checks' }).click();
  const bad = live.locator('li.live-result[data-credential="anthropic:key-bad"]');
  await expect(bad.locator('.probe')).toHaveAttribute('data-class', 'invalid', { timeout: 15_000 });
  await bad.getByRole('button', { name: /Ask OpenClaw's own probe/ }).click();
  await expect(bad).toContainText('puts the profile in cooldown if it fails');
  // No gateway runs here: OpenClaw's probe says so, and nothing was sent.
  const before = standIn.seen.length;
  await bad.getByRole('button', { name: "Run OpenClaw's probe" }).click();
  await expect(bad.locator('.banner-error')).toContainText("OpenClaw's probe needs the running gateway");
  expect(standIn.seen.length).toBe(before);
  await live.screenshot({ path: path.join(shotDir, 'probe-doctor-live.png') });
});
