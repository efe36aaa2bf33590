import { test, expect, type Page, type Response } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PASSWORD } from './helpers';

// Every full secret in the demo state (server/src/demo.rs). None may reach the browser.
const SECRETS = [
  'sk-ant-oat01-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-MAINTOKN',
  'sk-ant-oat01-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-WORKTOKN',
  'sk-ant-oat01-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-ARCHIVE1',
  'sk-ant-api03-DEMOFAKEDEMOFAKEDEMOFAKE-APIKEY01',
  'eyJhbGciOiJSUzI1NiJ9.DEMOFAKE.DEMOFAKE-ACCESS01',
  'rt_DEMOFAKEDEMOFAKE',
  'ya29.DEMOFAKEDEMOFAKEDEMO-GOOGLE01',
  'xai-DEMOFAKEDEMOFAKEDEMOFAKE-XAITOKEN',
  'sk-proj-DEMOFAKEDEMOFAKEDEMOFAKE-ENVKEY01',
  'sk-or-v1-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-OPSKEY01',
];
// The parts of a secret a mask never shows; finding one means more than the mask got out.
const MIDDLES = ['DEMOFAKEDEMOFAKEDEMOFAKE'];

const shotDir = path.join(__dirname, '..', 'test-results', 'screenshots');
// The session the `login-http` project saved (playwright.config.ts).
const STORAGE = path.join(__dirname, '..', '.tmp', 'http', 'storage-state.json');

/** Records the text of every response the page receives (documents, server functions, assets). */
function recordResponses(page: Page): { bodies: Promise<string>[] } {
  const log = { bodies: [] as Promise<string>[] };
  page.on('response', (response: Response) => {
    const type = response.headers()['content-type'] ?? '';
    if (type.includes('html') || type.includes('json') || type.includes('text') || type.includes('javascript')) {
      log.bodies.push(response.text().catch(() => ''));
    }
  });
  return log;
}

async function expectNoSecret(texts: string[]) {
  for (const text of texts) {
    for (const secret of [...SECRETS, ...MIDDLES]) {
      expect(text.includes(secret), `a response contains ${secret.slice(0, 16)}…`).toBe(false);
    }
  }
}

async function hydrated(page: Page) {
  // The copy buttons only work after hydration; the status text proves the wasm handler ran.
  const first = page.locator('tr[data-profile="anthropic:manual"] button.copy').first();
  await expect(async () => {
    await first.click();
    await expect(page.locator('tr[data-profile="anthropic:manual"] .copy-state').first()).not.toHaveText('', { timeout: 500 });
  }).toPass({ timeout: 15_000 });
}

test('profiles page: every era, state and mask; no secret anywhere', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const log = recordResponses(page);

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Auth profiles' })).toBeVisible();

  // Agents of all three storage eras.
  for (const [agent, era] of [['main', 'era C'], ['work', 'era C'], ['archive', 'era A'], ['ops', 'era B']]) {
    const section = page.locator(`section[data-agent="${agent}"]`);
    await expect(section).toBeVisible();
    await expect(section.locator('h2')).toContainText(era);
  }
  await expect(page.locator('section[data-agent="archive"]')).toContainText('Migration required');

  const main = page.locator('section[data-agent="main"]');
  const row = (id: string) => main.locator(`tr[data-profile="${id}"]`);
  // States in words (never colour alone), masks by OpenClaw's rule, sources.
  await expect(row('anthropic:manual')).toHaveAttribute('data-status', 'ok');
  await expect(row('anthropic:manual')).toContainText('sk-ant-o...MAINTOKN');
  await expect(row('anthropic:manual')).toContainText('expires in 30d');
  await expect(row('anthropic:manual')).toContainText('next');
  await expect(row('anthropic:default')).toHaveAttribute('data-status', 'static');
  // The demo's cooldown ends 45 min after the server wrote the state; the specs before this one
  // (a real gateway among them) take minutes, so the time left is a range, never one value.
  await expect(row('anthropic:default')).toContainText(/cooldown (4[0-5]|[1-3][0-9])m/);
  await expect(row('anthropic:default')).toContainText('rate_limit');
  await expect(row('openai-codex:me@example.com')).toHaveAttribute('data-status', 'expiring');
  await expect(row('openai-codex:me@example.com')).toContainText(/expires in [56]h/);
  await expect(row('google:default')).toHaveAttribute('data-status', 'expired');
  await expect(row('google:default')).toContainText('disabled 3h');
  await expect(row('xai:manual')).toHaveAttribute('data-status', 'missing');
  await expect(row('xai:manual')).toContainText('invalid_expires');
  await expect(row('openrouter:manual')).toContainText('ref(env:OPENROUTER_API_KEY)');
  await expect(row('env: OPENAI_API_KEY')).toContainText('.env: OPENAI_API_KEY');
  await expect(row('env: OPENAI_API_KEY')).toContainText('sk-proj-...ENVKEY01');
  for (const word of ['ok', 'static', 'expiring', 'expired', 'missing']) {
    await expect(main.locator(`.badge.status-${word}`).first()).toHaveText(new RegExp(word));
  }

  // The pin command, copied by the hydrated page.
  await hydrated(page);
  await expect(row('anthropic:manual').locator('input.pin-text')).toHaveValue('/model anthropic/claude-opus-4-6@anthropic:manual');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe('/model anthropic/claude-opus-4-6@anthropic:manual');

  // The agent filter runs the server function from the hydrated page.
  const call = page.waitForResponse((r) => r.url().includes('/api/overview'));
  await page.locator('#agent-filter').selectOption('work');
  await page.getByRole('button', { name: 'Show' }).click();
  const response = await call;
  expect(response.status()).toBe(200);
  await expect(page.locator('section[data-agent="ops"]')).toHaveCount(0);
  const work = page.locator('section[data-agent="work"]');
  await expect(work.locator('tr[data-profile="anthropic:work"]')).toHaveAttribute('data-status', 'expiring');
  await expect(work.locator('tr[data-profile="anthropic:work"]')).toContainText('Work account');
  await expect(work.locator('tbody[data-provider="anthropic"] .next')).toContainText('anthropic:work');

  await expectNoSecret([await page.content(), ...(await Promise.all(log.bodies))]);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('the Gateway card says no gateway runs here and what to do', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
  const card = page.locator('section.gateway');
  await expect(card.getByRole('heading', { name: 'Gateway' })).toBeVisible();
  // The demo state names no gateway port: OpenClaw's default, where nothing listens in the tests.
  await expect(card.locator('.gateway-state')).toHaveAttribute('data-reach', 'not-running', { timeout: 15_000 });
  await expect(card).toContainText('ws://127.0.0.1:18789');
  await expect(card).toContainText("OpenClaw's default");
  await expect(card).toContainText('What to do: Start the gateway');
  await expect(card.getByRole('button', { name: 'Apply to the gateway' })).toHaveCount(0);
  fs.mkdirSync(shotDir, { recursive: true });
  await card.screenshot({ path: path.join(shotDir, 'gateway-card-not-running.png') });
});

test('logs in and reads without JavaScript', async ({ browser, baseURL }) => {
  // A fresh browser with scripting off: the login form is a plain form.
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: undefined });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.locator('tr[data-profile="anthropic:manual"]').first()).toContainText('sk-ant-o...MAINTOKN');
  await page.goto('/?agent=ops');
  await expect(page.locator('section[data-agent="ops"]')).toContainText('openrouter:ops');
  await expect(page.locator('section[data-agent="main"]')).toHaveCount(0);
  await expectNoSecret([await page.content()]);
  await context.close();
});

test('screenshots: wide and phone, light and dark', async ({ browser }) => {
  fs.mkdirSync(shotDir, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    for (const [name, width, height] of [['wide', 1440, 1100], ['phone', 375, 812]] as const) {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width, height }, storageState: STORAGE });
      const page = await context.newPage();
      await page.goto('/');
      await expect(page.locator('section[data-agent="main"]')).toBeVisible();
      // Nothing may overflow sideways on a phone.
      if (name === 'phone') {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
      await page.screenshot({ path: path.join(shotDir, `profiles-${name}-${scheme}.png`), fullPage: name === 'wide' });
      await context.close();
    }
  }
});

test('history lists a change made with the command line, newest first, filterable', async ({ page }) => {
  const root = path.join(__dirname, '..', '..');
  const bin = path.join(root, process.env.PANEL_BIN ?? 'target/debug/openclaw-auth-panel');
  const tmp = path.join(__dirname, '..', '.tmp', 'http');
  execFileSync(bin, ['auth', 'order', 'set', '--provider', 'anthropic', '--agent', 'main', 'anthropic:manual',
    '--state-dir', path.join(tmp, 'state', '.openclaw'), '--data-dir', path.join(tmp, 'data')], { stdio: 'pipe' });
  await page.goto('/history');
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  // Typing before hydration finishes must not be lost either; no wait on purpose.
  const row = page.locator('tr.history-row[data-action="order-set"]').first();
  await expect(row).toContainText('cli:');
  await expect(row).toContainText('stored order of anthropic = [anthropic:manual]');
  await page.locator('#history-provider').fill('openai');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/provider=openai/);
  await expect(page.locator('tr.history-row[data-action="order-set"]')).toHaveCount(0);
  fs.mkdirSync(shotDir, { recursive: true });
  await page.goto('/history');
  await page.screenshot({ path: path.join(shotDir, 'history-wide-light.png') });
});
