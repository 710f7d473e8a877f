import { fileURLToPath } from 'node:url'
import { scaledTimeout } from '@mailwright/core'
import {
  CHROMIUM_ARGS,
  findChromium,
  inboxServer,
  type MailwrightOptions,
  type MailwrightWorkerOptions,
  smtpEnv,
} from '@mailwright/playwright'
import { chromium, defineConfig } from '@playwright/test'
import { sendingKeys } from './sending-keys.ts'

const keys = sendingKeys()
// The environment (mailwright.config.ts): the sandbox captures mail here; staging is Office 365.
const mailEnv = process.env.MAILWRIGHT_ENV || 'sandbox'

// Fixed ports for this example's run, away from the defaults so it can run beside a developer's own inbox
// (overridable, so a second run can go beside this one).
const mail = {
  smtpPort: Number(process.env.MAILWRIGHT_SMTP_PORT || 2625),
  httpPort: Number(process.env.MAILWRIGHT_HTTP_PORT || 8125),
}
const appPort = Number(process.env.SIGNUP_APP_PORT || 3125)
// Where this run's results go (the JSON and HTML reports, Mailwright's email report, Playwright's output).
const results = process.env.EXAMPLE_RESULTS_DIR || 'test-results'
const app = fileURLToPath(import.meta.resolve('@mailwright/example-signup-app/server.ts'))

export default defineConfig<MailwrightOptions, MailwrightWorkerOptions>({
  testDir: './tests',
  // Starts what the environment's content checks need once for the run (rspamd, for toHaveSpamScore).
  globalSetup: '@mailwright/playwright/global-setup',
  // One budget for every timeout: MAILWRIGHT_TIME_SCALE stretches Playwright's and Mailwright's defaults alike.
  timeout: scaledTimeout(30_000),
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  outputDir: `${results}/output`,
  reporter: [
    ['list'],
    [
      'html',
      {
        open: 'never',
        outputFolder: process.env.EXAMPLE_RESULTS_DIR ? `${results}/html` : 'playwright-report',
      },
    ],
    ['json', { outputFile: `${results}/report.json` }],
    // The email evidence report: mailwright-report.json, .md and mailwright-report.junit.xml (for `mailwright gate`).
    ['@mailwright/playwright/reporter', { outputFile: `${results}/mailwright-report.json` }],
  ],
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    launchOptions: {
      executablePath: findChromium({ playwrightExecutable: safeExecutablePath() }),
      args: CHROMIUM_ARGS,
    },
    mailEvidence: process.env.MAILWRIGHT_EVIDENCE === 'always' ? 'always' : 'on-failure',
  },
  projects: [{ name: mailEnv, use: { mailEnv } }],
  webServer: [
    // Outside the sandbox the app sends with its own staging settings (SMTP_* in the environment).
    ...(mailEnv === 'sandbox' ? [inboxServer(mail)] : []),
    {
      name: 'Signup App',
      command: `${JSON.stringify(process.execPath)} ${JSON.stringify(app)}`,
      url: `http://127.0.0.1:${appPort}/health`,
      env: {
        ...(mailEnv === 'sandbox' ? smtpEnv(mail) : {}),
        PORT: String(appPort),
        DKIM_PRIVATE_KEY_FILE: keys.key,
        DKIM_SELECTOR: 's1',
      },
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
