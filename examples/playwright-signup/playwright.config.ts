import { fileURLToPath } from 'node:url'
import {
  CHROMIUM_ARGS,
  findChromium,
  inboxServer,
  type MailwrightOptions,
  smtpEnv,
} from '@mailwright/playwright'
import { chromium, defineConfig } from '@playwright/test'

// Fixed ports for this example's run, away from the defaults so it can run beside a developer's own inbox.
const mail = { smtpPort: 2625, httpPort: 8125 }
const appPort = 3125
const app = fileURLToPath(import.meta.resolve('@mailwright/example-signup-app/server.ts'))

export default defineConfig<MailwrightOptions>({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'playwright-report' }],
    ['json', { outputFile: 'test-results/report.json' }],
  ],
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    launchOptions: {
      executablePath: findChromium({ playwrightExecutable: safeExecutablePath() }),
      args: CHROMIUM_ARGS,
    },
    mailEvidence: process.env.MAILWRIGHT_EVIDENCE === 'always' ? 'always' : 'on-failure',
  },
  projects: [{ name: 'sandbox', use: { mailEnv: 'sandbox' } }],
  webServer: [
    inboxServer(mail),
    {
      name: 'Signup App',
      command: `${JSON.stringify(process.execPath)} ${JSON.stringify(app)}`,
      url: `http://127.0.0.1:${appPort}/health`,
      env: { ...smtpEnv(mail), PORT: String(appPort) },
      reuseExistingServer: !process.env.CI,
    },
  ],
})

function safeExecutablePath(): string | undefined {
  try {
    return chromium.executablePath()
  } catch {
    return undefined
  }
}
