import { scaledTimeout } from '@mailwright/core'
import { CHROMIUM_ARGS, findChromium } from '@mailwright/playwright'
import { chromium, defineConfig } from '@playwright/test'

// The web UI of @mailwright/inbox-server in real Chromium: each worker starts its own capture server (the
// built package, UI included) and sends it mail over SMTP.
export default defineConfig({
  testDir: '.',
  timeout: scaledTimeout(30_000),
  expect: { timeout: scaledTimeout(5_000) },
  fullyParallel: true,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  outputDir: 'test-results/output',
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  use: {
    launchOptions: {
      executablePath: findChromium({ playwrightExecutable: safeExecutablePath() }),
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
  },
})

// Playwright's own browser path, when it can say one (it throws when none is installed for this platform).
function safeExecutablePath(): string | undefined {
  try {
    return chromium.executablePath()
  } catch {
    return undefined
  }
}
