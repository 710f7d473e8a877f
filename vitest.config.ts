import { availableParallelism, loadavg } from 'node:os'
import { timeScale } from '@mailwright/core'
import { defineConfig } from 'vitest/config'

// One budget for every timeout: MAILWRIGHT_TIME_SCALE, times how busy the machine is (load per core, 1 to 4),
// as packages/core/src/time-budget.test-util.ts computes it for the tests' own timeouts.
const busy = Math.min(4, Math.max(1, (loadavg()[0] ?? 0) / availableParallelism()))
const scale = timeScale() * busy

// One run over every package, so CI gets one summary. The JSON report feeds .ci/run's closing line.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'packages', include: ['packages/*/src/**/*.test.ts'] } },
      // Every TypeScript snippet of the README and docs/, compiled.
      { extends: true, test: { name: 'docs', include: ['test/docs/*.test.ts'] } },
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
      ...(process.env.CI ? [['json', { outputFile: 'test-results/vitest.json' }] as const] : []),
    ],
  },
})
