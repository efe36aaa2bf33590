import { defineConfig } from '@playwright/test';

// The panel under test: a debug or release build of the server (PANEL_BIN), serving a fresh demo
// state dir (every storage era, credential type and status) on a fixed loopback port.
const port = Number(process.env.PANEL_TEST_PORT ?? 18786);

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // Test tools cannot download browsers here: use Debian's chromium.
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
  webServer: {
    command: `bash ./serve-test-state.sh ${port}`,
    url: `http://127.0.0.1:${port}/`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
