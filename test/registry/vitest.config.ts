import { defineConfig } from 'vitest/config'

// `pnpm test:registry`: the install-from-a-registry proof, apart from the unit suite (it installs from the
// network through the local registry and takes minutes). .ci/run adds its JSON report to the summary.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['registry.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    reporters: [
      'default',
      ...(process.env.CI
        ? [['json', { outputFile: '../../test-results/registry.json' }] satisfies ['json', object]]
        : []),
    ],
  },
})
