import { test, expect } from '@playwright/test';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { login, panelCli, startPanel, stopAll } from '../support/own-panel';

// The Alerts page (issue 18) against an ntfy stand-in on loopback: add an ntfy channel with an
// access token, see it listed with the token masked, *Send a test* and see the delivery in the
// list (and in the sink, with ntfy's headers); the token planted to expire in 3 h reaches the new
// channel by itself (the monitor runs after the channel is added); a failing sink shows as failing.

const shotDir = path.join(__dirname, '..', 'screenshots');
const NTFY_TOKEN = 'tk_e2eaccesstoken0123456789';
const TOKEN = `sk-ant-oat01-${'E2EALERT'.repeat(10)}-OK`;

type Seen = { path: string; headers: http.IncomingHttpHeaders; body: string };
let tmp = '';
let panelURL = '';
let sink: http.Server;
let sinkPort = 0;
const seen: Seen[] = [];
let answer = 200;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(60_000);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-alerts-e2e-'));
  const state = path.join(tmp, '.openclaw');
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(
    path.join(state, 'openclaw.json'),
    JSON.stringify({ meta: { lastTouchedVersion: '2026.5.28' }, agents: { defaults: { model: { primary: 'anthropic/claude-sonnet-4-5' } } } }),
    { mode: 0o600 },
  );
  panelCli(state, ['auth', 'paste-token', '--provider', 'anthropic', '--profile-id', 'work', '--expires-in', '3h'], TOKEN);
  sink = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(answer, { 'content-type': 'application/json' });
      res.end(answer === 200 ? '{"id":"e2e","event":"message"}' : 'down for maintenance');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  sinkPort = (sink.address() as { port: number }).port;
  panelURL = await startPanel(tmp, state, ['--public-url', 'http://panel.test:18785']);
});

test.afterAll(async () => {
  test.setTimeout(40_000);
  await stopAll();
  await new Promise<void>((r) => sink?.close(() => r()));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('add an ntfy channel, send a test, see the delivery; what holds reaches it by itself', async ({ page }) => {
  test.setTimeout(60_000);
  fs.mkdirSync(shotDir, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, panelURL);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  // No channel yet: what holds is listed, nothing was sent.
  await expect(page.locator('.alert-list')).toContainText('anthropic:work of agent main expires in');
  await expect(page.getByText('No channel yet')).toBeVisible();

  await page.locator('#alert-kind').selectOption('ntfy');
  await page.locator('#alert-name').fill('phone');
  await page.locator('#alert-severity').selectOption('info');
  await page.locator('#alert-url').fill(`http://127.0.0.1:${sinkPort}/oc-alerts-e2e`);
  await page.locator('#alert-secret-ntfy').fill(NTFY_TOKEN);
  await page.getByRole('button', { name: 'Add channel' }).click();
  await expect(page.locator('.notice')).toContainText('Added the channel phone');
  const row = page.locator('tr[data-channel="phone"]');
  await expect(row).toContainText('http://127.0.0.1:' + sinkPort + '/oc...(13)');
  await expect(row).toContainText('access token: tk_e...6789');
  await expect(page.locator('#alert-secret-ntfy')).toHaveValue('');

  await row.getByRole('button', { name: 'Send a test to phone' }).click();
  await expect(page.locator('.notice')).toContainText('Test delivered to phone');
  const deliveries = page.locator('.alert-deliveries tbody tr');
  await expect(deliveries.filter({ hasText: 'test: Test from the OpenClaw Auth Panel' })).toContainText('delivered');
  await expect(deliveries.filter({ hasText: 'test: Test from the OpenClaw Auth Panel' })).toContainText('HTTP 200');
  const testMsg = seen.find((s) => String(s.headers['title']).startsWith('Test from the OpenClaw Auth Panel'));
  expect(testMsg, JSON.stringify(seen)).toBeTruthy();
  expect(testMsg!.headers['authorization']).toBe(`Bearer ${NTFY_TOKEN}`);
  expect(testMsg!.headers['tags']).toBe('test_tube,openclaw');
  expect(testMsg!.headers['click']).toBe('http://panel.test:18785/alerts');

  // The expiring token reached the new channel without a click (the add woke the monitor).
  await expect.poll(() => seen.filter((s) => String(s.headers['title']).includes('expires in')).length, { timeout: 10_000 }).toBe(1);
  const expiring = seen.find((s) => String(s.headers['title']).includes('expires in'))!;
  expect(expiring.headers['priority']).toBe('4');
  expect(expiring.headers['click']).toBe('http://panel.test:18785/?agent=main');
  expect(expiring.body).toContain('claude setup-token');
  await page.reload();
  await expect(deliveries.filter({ hasText: 'fired: anthropic:work of agent main expires in' })).toContainText('delivered');
  await page.screenshot({ path: path.join(shotDir, 'alerts-page.png'), fullPage: true });

  // A sink that fails: the test says so, the channel shows as failing.
  answer = 500;
  await row.getByRole('button', { name: 'Send a test to phone' }).click();
  await expect(page.locator('.notice')).toContainText('Test NOT delivered to phone', { timeout: 20_000 });
  await expect(page.locator('.notice')).toContainText('HTTP 500: down for maintenance');
  await expect(row).toContainText('failing');
  await page.screenshot({ path: path.join(shotDir, 'alerts-channel-failing.png'), fullPage: true });
  answer = 200;

  for (const s of seen) expect(s.body).not.toContain(TOKEN.slice(0, 30));
  const html = await page.content();
  expect(html).not.toContain(NTFY_TOKEN);
  expect(errors).toEqual([]);
});
