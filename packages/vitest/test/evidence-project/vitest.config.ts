import { defineConfig } from 'vitest/config'

// A project that fails on purpose, run by src/evidence.test.ts to check the annotations it produces.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.check-fail.ts'],
    setupFiles: ['@mailwright/vitest/setup'],
    reporters: ['./annotations-reporter.ts'],
  },
})
