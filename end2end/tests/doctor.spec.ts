import { test, expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The Doctor page on the `http` test server's demo state, logged in: a native finding fixed from
// the page, then OpenClaw 2026.9.6's own doctor run from the page (serve-test-state.sh passes the
// oracle's openclaw as --openclaw-bin).
const stateDir = path.join(__dirname, '..', '.tmp', 'http', 'state', '.openclaw');
const shotDir = path.join(__dirname, '..', 'test-results', 'screenshots');

async function open(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

test('doctor: see a finding, apply its chmod fix, see it gone; run OpenClaw\'s doctor and see its findings', async ({ page }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const env = path.join(stateDir, '.env');
  fs.chmodSync(env, 0o644);
  await open(page, '/doctor');
  await expect(page.getByRole('heading', { name: 'Doctor', exact: true })).toBeVisible();
  // The demo's own problems, named with what to do.
  const native = page.locator('.doctor-native');
  await expect(native.locator('li[data-check="token-expired"]')).toContainText('google:default');
  await expect(native.locator('li[data-check="migration-required"]').first()).toContainText('openclaw doctor --fix');
  await expect(native.locator('li[data-check="cooldown-active"]')).toContainText('rate_limit');

  const finding = native.locator('li[data-check="file-permissions"]');
  await expect(finding).toContainText('.env has mode 644');
  await finding.getByRole('button', { name: /^Fix file-permissions: chmod 600/ }).click();
  const dialog = page.locator('dialog.confirm');
  await expect(dialog).toContainText('The panel will chmod 600');
  await dialog.getByRole('button', { name: 'Apply the fix' }).click();
  await expect(page.locator('.notice')).toContainText('Fixed: chmod 600');
  await expect(finding).toHaveCount(0);
  expect(fs.statSync(env).mode & 0o777).toBe(0o600);

  // OpenClaw's doctor: progress while it runs, then its findings grouped by severity.
  const run = page.getByRole('button', { name: "Run OpenClaw's doctor" });
  await expect(run).toBeEnabled();
  await run.click();
  await expect(page.locator('.run-progress progress')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Running…' })).toBeDisabled();
  const result = page.locator('.run-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  await expect(result.locator('.run-facts')).toContainText('OpenClaw 2026.9.6 · openclaw doctor --lint --json --all');
  await expect(result.locator('.run-head')).toContainText(/\d+ findings? in \d+ checks/);
  await expect(result.locator('li.finding').first()).toBeVisible();
  await expect(result.locator('li.finding[data-check^="core/doctor/"]').first()).toBeVisible();
  await result.getByText('Raw output').click();
  await expect(result.locator('.raw-output pre')).toContainText('schemaVersion');
  await expect(run).toBeEnabled();
  // OpenClaw's many findings of one check (a skill each) are folded behind their count.
  await expect(result.locator('details.check-fold summary').first()).toContainText(/ — \d+ findings$/);
  fs.mkdirSync(shotDir, { recursive: true });
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await result.getByText('Raw output').click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shotDir, 'doctor-wide-light.png'), fullPage: true });
  expect(errors, errors.join('\n')).toEqual([]);
});
