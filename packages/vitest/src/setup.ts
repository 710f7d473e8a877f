// `setupFiles: ['@mailwright/vitest/setup']`: registers Mailwright's matchers on Vitest's expect and types them.
import { emailMatchers } from '@mailwright/core'
import { withEvidence } from '@mailwright/core/internal'
import { expect } from 'vitest'
import { recordEmail } from './evidence-collector.js'
import './email-matcher-types.js'

expect.extend(withEvidence(emailMatchers, recordEmail))
