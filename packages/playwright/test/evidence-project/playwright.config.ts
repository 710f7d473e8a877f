import { CHROMIUM_ARGS, findChromium } from '@mailwright/playwright'
import { defineConfig } from '@playwright/test'

// A project that fails on purpose, run by evidence.test.ts to check what lands in the report.
export default defineConfig({
  testDir: '.',
  workers: 1,
  reporter: [['json', { outputFile: process.env.REPORT_FILE ?? 'report.json' }]],
  use: { launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } },
})
