import type { MailwrightOptions, MailwrightWorkerOptions } from '@mailwright/playwright'
import { defineConfig } from '@playwright/test'

// A user's Playwright project whose environment runs MailDev in a container, run by src/container.test.ts.
// Two projects on the same environment share the one container the global setup starts.
export default defineConfig<MailwrightOptions, MailwrightWorkerOptions>({
  testDir: '.',
  workers: 2,
  fullyParallel: true,
  globalSetup: '@mailwright/playwright/global-setup',
  reporter: [['json', { outputFile: process.env.REPORT_FILE ?? 'report.json' }]],
  // Started before the global setup, so it is told the container's fixed SMTP port (mailwright.config.ts).
  webServer: {
    command: `${JSON.stringify(process.execPath)} app.ts`,
    url: `http://127.0.0.1:${process.env.APP_PORT}/health`,
    reuseExistingServer: false,
  },
  use: { baseURL: `http://127.0.0.1:${process.env.APP_PORT}` },
  projects: [
    { name: 'one', use: { mailEnv: 'containers' } },
    { name: 'two', use: { mailEnv: 'containers' } },
  ],
})
