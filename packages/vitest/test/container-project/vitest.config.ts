import { defineConfig } from 'vitest/config'

// A user's project whose environment runs MailDev in a container, run by src/container.test.ts. CHECKS picks
// the passing checks or the one that fails on purpose.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: [process.env.CHECKS ?? '*.check.ts'],
    globalSetup: ['@mailwright/vitest/global-setup'],
    setupFiles: ['@mailwright/vitest/setup'],
    provide: { mailwrightEnv: 'containers' },
    reporters: ['default', '../evidence-project/annotations-reporter.ts'],
    maxWorkers: 2,
    testTimeout: 20_000,
  },
})
