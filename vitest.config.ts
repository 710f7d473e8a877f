import { timeScale } from '@mailwright/core/internal'
import { defineConfig } from 'vitest/config'
import { busy } from './packages/core/src/time-budget.test-util.ts'

// One budget for every timeout: MAILWRIGHT_TIME_SCALE, times how busy the machine is (load per core, 1 to 4),
// the same factor the tests' own timeouts use (budget()).
const scale = timeScale() * busy

// One run over every package, so CI gets one summary. The JSON report feeds .ci/run's closing line.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'packages', include: ['packages/*/src/**/*.test.ts', 'packages/*/ui/**/*.test.ts'] },
      },
      // Every TypeScript snippet of the README and docs/, compiled.
      { extends: true, test: { name: 'docs', include: ['test/docs/*.test.ts'] } },
      // A project that installs a plugin package from outside Mailwright (test/memory-inbox).
      { extends: true, test: { name: 'plugins', include: ['test/plugin-consumer/*.test.ts'] } },
      // The dependency rules of `pnpm lint`, shown to catch a wrong import.
      { extends: true, test: { name: 'lint', include: ['test/lint/*.test.ts'] } },
      'examples/vitest-mailer',
    ],
    // Ryuk (testcontainers' reaper) needs an image no registry here can supply; containers stop themselves
    // in afterAll and .ci/run removes leftovers by label.
    env: { TESTCONTAINERS_RYUK_DISABLED: process.env.TESTCONTAINERS_RYUK_DISABLED ?? 'true' },
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000 * scale,
    hookTimeout: 30_000 * scale,
    reporters: [
      'default',
      // The email evidence report of the whole run (examples/vitest-mailer's tests are in it).
      ['@mailwright/vitest/reporter', { outputFile: 'test-results/mailwright-report.json' }],
      ...(process.env.CI
        ? [['json', { outputFile: 'test-results/vitest.json' }] satisfies ['json', object]]
        : []),
    ],
  },
})
