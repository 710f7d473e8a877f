import { defineConfig } from 'vitest/config'

// A user's project run with MAILWRIGHT_ENV=staging against the Office 365 emulator, by src/staging.test.ts.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.check.ts'],
    globalSetup: ['@mailwright/vitest/global-setup'],
    setupFiles: ['@mailwright/vitest/setup'],
    // Chosen here rather than by MAILWRIGHT_ENV, which the test that runs this project leaves unset.
    provide: { mailwrightEnv: 'staging' },
  },
})
