// The matchers' types on Vitest's expect. Imported by the package's main entry as well as by /setup, so a
// project that imports `test` from '@mailwright/vitest' gets them with no triple-slash reference.
import type { EmailMatchers } from '@mailwright/core'

declare module 'vitest' {
  // The type parameters must repeat Vitest's own declaration exactly for the interfaces to merge.
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown>
    extends EmailMatchers<R> {}
}
