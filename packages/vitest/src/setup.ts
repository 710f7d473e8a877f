// `setupFiles: ['@mailwright/vitest/setup']`: registers Mailwright's matchers on Vitest's expect and types them.
import { type EmailMatchers, emailMatchers, withEvidence } from '@mailwright/core'
import { expect } from 'vitest'
import { recordEmail } from './evidence-collector.js'

expect.extend(withEvidence(emailMatchers, recordEmail))

declare module 'vitest' {
  // The type parameters must repeat Vitest's own declaration exactly for the interfaces to merge.
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown>
    extends EmailMatchers<R> {}
}
