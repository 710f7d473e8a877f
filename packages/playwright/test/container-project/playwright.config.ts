import { defineConfig } from '@playwright/test'

// A user's Playwright project whose environment runs MailDev in a container, run by src/container.test.ts.
// Two projects on the same environment share the one container the global setup starts.
export default defineConfig({
  testDir: '.',
  workers: 2,
  fullyParallel: true,
  globalSetup: '@mailwright/playwright/global-setup',
  reporter: [['json', { outputFile: process.env.REPORT_FILE ?? 'report.json' }]],
  projects: [
    { name: 'one', use: { mailEnv: 'containers' } },
    { name: 'two', use: { mailEnv: 'containers' } },
  ],
})
