import { defineConfig } from 'vitest/config'

// What a user writes: one inbox server for the run, matchers registered, tests beside the code.
export default defineConfig({
  test: {
    name: 'vitest-mailer',
    include: ['src/**/*.test.ts'],
    globalSetup: ['@mailwright/vitest/global-setup'],
    setupFiles: ['@mailwright/vitest/setup'],
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    // The email evidence report beside the usual output (for `mailwright gate`).
    reporters: [
      'default',
      ['@mailwright/vitest/reporter', { outputFile: 'test-results/mailwright-report.json' }],
    ],
  },
})
