import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateDkimKey } from '@mailwright/core/testing'
import {
  CHROMIUM_ARGS,
  findChromium,
  inboxServer,
  type MailwrightOptions,
  type MailwrightWorkerOptions,
  smtpEnv,
} from '@mailwright/playwright'
import { chromium, defineConfig } from '@playwright/test'

// The app signs as signup-app.test with a test key; the inbox judges its mail as if sent from the production
// IP 203.0.113.10, with the key, SPF and DMARC records published in an offline zone. Made once, reused.
const keys = fileURLToPath(new URL('./.mailwright/', import.meta.url))
if (!existsSync(`${keys}dns.zone`)) {
  const key = generateDkimKey()
  mkdirSync(keys, { recursive: true })
  writeFileSync(`${keys}dkim.pem`, key.privateKey)
  writeFileSync(
    `${keys}dns.zone`,
    [
      '$ORIGIN signup-app.test.',
      '@              TXT "v=spf1 ip4:203.0.113.10 -all"',
      `s1._domainkey  TXT "${key.record}"`,
      '_dmarc         TXT "v=DMARC1; p=reject"',
      '',
    ].join('\n'),
  )
}

// Fixed ports for this example's run, away from the defaults so it can run beside a developer's own inbox.
const mail = { smtpPort: 2625, httpPort: 8125 }
const appPort = 3125
const app = fileURLToPath(import.meta.resolve('@mailwright/example-signup-app/server.ts'))

export default defineConfig<MailwrightOptions, MailwrightWorkerOptions>({
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
    inboxServer({ ...mail, sendingProfile: { ip: '203.0.113.10', dns: `${keys}dns.zone` } }),
    {
      name: 'Signup App',
      command: `${JSON.stringify(process.execPath)} ${JSON.stringify(app)}`,
      url: `http://127.0.0.1:${appPort}/health`,
      env: {
        ...smtpEnv(mail),
        PORT: String(appPort),
        DKIM_PRIVATE_KEY_FILE: `${keys}dkim.pem`,
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
