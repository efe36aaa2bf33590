import { defineConfig } from '@playwright/test';

// The panel under test: a debug or release build of the server (PANEL_BIN), serving a fresh demo
// state dir (every storage era, credential type and status) twice: over plain HTTP and over HTTPS
// with its self-signed certificate. Each server starts with no admin, so the first test of each
// project walks through the first-admin setup.
const httpPort = Number(process.env.PANEL_TEST_PORT ?? 18786);
const tlsPort = httpPort + 1;
export const httpURL = `http://127.0.0.1:${httpPort}`;
export const tlsURL = `https://127.0.0.1:${tlsPort}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    // Test tools cannot download browsers here: use Debian's chromium.
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
  projects: [
    // Setup → login → profiles → logout, then logs in again and keeps the session for `http`.
    { name: 'login-http', testMatch: /auth\.spec\.ts/, use: { baseURL: httpURL } },
    { name: 'login-tls', testMatch: /auth\.spec\.ts/, use: { baseURL: tlsURL, ignoreHTTPSErrors: true } },
    {
      name: 'http',
      testMatch: /(doctor|profiles|writes)\.spec\.ts/,
      dependencies: ['login-http'],
      use: { baseURL: httpURL, storageState: './.tmp/http/storage-state.json' },
    },
    // A real OpenClaw gateway and a panel of its own, started by the spec (skipped without the oracle).
    { name: 'gateway', testMatch: /gateway\.spec\.ts/ },
    // Live checks against a provider stand-in on loopback, with a panel of its own.
    { name: 'probe', testMatch: /probe\.spec\.ts/ },
    // The Alerts page with an ntfy stand-in on loopback, with a panel of its own.
    { name: 'alerts', testMatch: /alerts\.spec\.ts/ },
    // The binary alone in an empty directory (the site built into it), stopped during a save.
    { name: 'install', testMatch: /install\.spec\.ts/ },
  ],
  webServer: [
    {
      command: `bash ./serve-test-state.sh ${httpPort} http`,
      url: `${httpURL}/login`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `bash ./serve-test-state.sh ${tlsPort} tls`,
      url: `${tlsURL}/login`,
      ignoreHTTPSErrors: true,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
