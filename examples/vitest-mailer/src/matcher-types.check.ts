// Type tests, checked by `tsc` (pnpm test runs it) and never executed: the matchers are typed on Vitest's
// expect, and wrong arguments are compile errors (an unused @ts-expect-error fails the check).
import '@mailwright/vitest/setup'
import type { CapturedEmail, Inbox } from '@mailwright/core'
import { expect } from 'vitest'

declare const email: CapturedEmail
declare const inbox: Inbox

expect(email).toBeSentFrom('no-reply@acme.test')
expect(email).toBeSentFrom({ address: 'no-reply@acme.test', name: /Acme/ })
expect(email).not.toBeSentTo(/@elsewhere\.test$/)
expect(email).toHaveSubject(/Welcome/)
expect(email).toHaveHeader('List-Unsubscribe')
expect(email).toHaveLink(/\/start$/, { text: 'Get started' })
expect(email).toHaveAttachment({ filename: /\.pdf$/, maxSize: 1_000_000 })
await expect(inbox).toReceiveEmail({ subject: /Welcome/ }, { timeout: 1000 })
expect(email).toHavePassedSpf()
expect(email).toHavePassedDkim({ domain: 'acme.test', selector: 's1' })
expect(email).toHavePassedDmarc({ policy: 'reject' })
expect(email).toHavePassedArc()
expect(email).toBeDmarcAligned()
expect(email).toMeetBulkSenderRequirements()
await expect(inbox).not.toReceiveEmail({}, { within: 500 })

// @ts-expect-error an address is a string, { address, name? } or a RegExp
expect(email).toBeSentFrom(42)
// @ts-expect-error toHaveAttachment takes filename, contentType, minSize, maxSize
expect(email).toHaveAttachment({ size: 3 })
// @ts-expect-error the link text is a string or a RegExp
expect(email).toHaveLink('https://acme.test', { text: 5 })
// @ts-expect-error a query has no field "subjct"
await expect(inbox).toReceiveEmail({ subjct: 'Welcome' })
// @ts-expect-error toHaveHeader needs the header name
expect(email).toHaveHeader()
// @ts-expect-error a DMARC policy is none, quarantine or reject
expect(email).toHavePassedDmarc({ policy: 'strict' })
