// Type tests, checked by `tsc` (pnpm test runs it) and never executed: the matchers are typed on
// @mailwright/playwright's expect, fixtures are typed, and wrong arguments are compile errors.
import type { CapturedEmail, Inbox } from '@mailwright/core'
import { expect, test } from '@mailwright/playwright'

declare const email: CapturedEmail
declare const inbox: Inbox

test('types', async ({ inbox: fixture, mailEnv, page }) => {
  const address: string = fixture.address
  const env: string = mailEnv
  expect(email).toBeSentFrom({ address, name: 'Signup App' })
  expect(email).toBeSentTo(address)
  expect(email).toHaveSubject('Verify your email address')
  expect(email).toHaveReplyTo(/support@/)
  await expect(email).toContainText('code')
  await expect(page.locator('h1')).toContainText('Check your email')
  expect(email).toHaveLink(/verify/, { text: /Verify/ })
  await expect(inbox).toReceiveEmail({ subject: /Verify/ }, { timeout: 1000 })
  expect(env).toBe('sandbox')

  // @ts-expect-error an address is a string, { address, name? } or a RegExp
  expect(email).toBeSentFrom(42)
  // @ts-expect-error toHaveAttachment takes filename, contentType, minSize, maxSize
  expect(email).toHaveAttachment({ size: 3 })
  // @ts-expect-error a query has no field "subjct"
  await expect(inbox).toReceiveEmail({ subjct: 'Verify' })
})

// @ts-expect-error fixtures are typed: there is no "outbox" fixture
test('no such fixture', async ({ outbox }) => outbox)
