// `setupFiles: ['@mailwright/vitest/setup']`: registers Mailwright's matchers on Vitest's expect and types them.
import { emailMatchers, withEvidence } from '@mailwright/core'
import { expect } from 'vitest'
import { recordEmail } from './evidence-collector.js'
import './email-matcher-types.js'

expect.extend(withEvidence(emailMatchers, recordEmail))
