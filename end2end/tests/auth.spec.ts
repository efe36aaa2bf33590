import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PASSWORD } from './helpers';

/** The setup URL the server printed at start (also written, 0600, into its data dir). */
function setupUrl(mode: string): string {
  const file = path.join(__dirname, '..', '.tmp', mode, 'data', 'setup-url');
  const text = fs.readFileSync(file, 'utf8');
  const url = text.match(/https?:\/\/\S+\/setup#token=\S+/)?.[0];
  if (!url) throw new Error(`no setup URL in ${file}: ${text}`);
  return url;
}

const shotDir = path.join(__dirname, '..', 'test-results', 'screenshots');

async function hydrated(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

test('first admin: setup → login → profiles with CSRF-carrying server calls → logout', async ({ page, context, baseURL }, testInfo) => {
  const mode = testInfo.project.name === 'login-tls' ? 'tls' : 'http';
  fs.mkdirSync(shotDir, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('status of 4')) errors.push(m.text()); });

  // With no admin yet, every page leads to setup.
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Create the admin password' })).toBeVisible();

  // The printed URL carries the token in the fragment; the page takes it and clears the address bar.
  const url = setupUrl(mode);
  expect(url.startsWith(`${baseURL}/setup#token=`)).toBe(true);
  const token = url.split('#token=')[1];
  await page.goto(url);
  await hydrated(page);
  await expect(page.locator('#token')).toHaveValue(token);
  await expect(page).toHaveURL(`${baseURL}/setup`);
  if (mode === 'http') await page.screenshot({ path: path.join(shotDir, 'setup.png') });

  // A mistake is explained, and the token survives the round trip.
  await page.locator('#new-password').fill(PASSWORD);
  await page.locator('#confirm-password').fill(`${PASSWORD} typo`);
  await page.getByRole('button', { name: 'Create admin and log in' }).click();
  await expect(page).toHaveURL(/\/setup\?error=mismatch$/);
  await expect(page.getByRole('alert')).toContainText('The two passwords differ');
  await hydrated(page);
  await expect(page.locator('#token')).toHaveValue(token);

  await page.locator('#new-password').fill(PASSWORD);
  await page.locator('#confirm-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create admin and log in' }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.getByRole('heading', { name: 'Auth profiles' })).toBeVisible();

  // The session cookie: HttpOnly, SameSite=Strict, Secure exactly over TLS.
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name.includes('openclaw-panel-'));
  expect(session, JSON.stringify(cookies)).toBeTruthy();
  expect(session!.httpOnly).toBe(true);
  expect(session!.sameSite).toBe('Strict');
  expect(session!.secure).toBe(mode === 'tls');
  expect(session!.name.startsWith('__Host-')).toBe(mode === 'tls');

  // The token was used: the setup link is dead now.
  await page.goto(url);
  await hydrated(page);
  await expect(page).toHaveURL(`${baseURL}/`);

  // The hydrated page's server-function calls carry this session's CSRF token and succeed.
  await page.goto('/');
  await hydrated(page);
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  expect(csrf?.length).toBeGreaterThan(20);
  const request = page.waitForRequest((r) => r.url().includes('/api/overview'));
  const response = page.waitForResponse((r) => r.url().includes('/api/overview'));
  await page.locator('#agent-filter').selectOption('work');
  await page.getByRole('button', { name: 'Show' }).click();
  expect((await request).headers()['x-csrf-token']).toBe(csrf);
  expect((await response).status()).toBe(200);
  await expect(page.locator('section[data-agent="work"]')).toBeVisible();
  await expect(page.locator('section[data-agent="ops"]')).toHaveCount(0);

  // The same call without the token is refused (what a forged request would get).
  const forged = await page.evaluate(async () => {
    const r = await fetch('/api/overview', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    return { status: r.status, body: await r.text() };
  });
  expect(forged).toEqual({ status: 403, body: '"StalePage"' });

  // Logout ends the session.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login\?error=logged-out$/);
  await expect(page.getByRole('alert')).toContainText('You are logged out');
  expect((await context.cookies()).filter((c) => c.name.includes('openclaw-panel-'))).toEqual([]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);

  // Login: a wrong password is said so; the right one opens the profiles.
  await page.locator('#password').fill('not the password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/login\?error=wrong$/);
  await expect(page.getByRole('alert')).toContainText('Wrong password');
  if (mode === 'http') await page.screenshot({ path: path.join(shotDir, 'login-wrong-password.png') });
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${baseURL}/`);
  await expect(page.locator('section[data-agent="main"]')).toBeVisible();
  await expect(page.locator('.transport-warning')).toHaveCount(0);

  if (mode === 'http') {
    // The `http` project's tests reuse this session.
    await context.storageState({ path: path.join(__dirname, '..', '.tmp', 'http', 'storage-state.json') });
  }
  expect(errors, errors.join('\n')).toEqual([]);
});
