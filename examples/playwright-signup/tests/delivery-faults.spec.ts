import { expect, test } from '@mailwright/playwright'
import type { Page } from '@playwright/test'

// The mail server says no, and the sign-up must cope: the app retries what may pass later (greylisting,
// throttling, a dropped connection) with a growing pause from 500 ms, and tells the user at once when the
// refusal is final. Each fault is the test's own inbox's: the tests beside it, in parallel, never see it.
test.beforeEach(({ inbox }) => {
  test.skip(!inbox.canSimulate, 'simulated faults need the capture inbox (the sandbox)')
})

async function signUp(page: Page, address: string) {
  await page.goto('/signup')
  await page.getByLabel('Email').fill(address)
  await page.getByRole('button', { name: 'Sign up' }).click()
}

test('greylisted, then delivered on the retry', async ({ page, inbox }) => {
  await inbox.simulate({ greylist: { retryAfter: 300 } })
  await signUp(page, inbox.address)
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
  await inbox.waitForEmail({ subject: /Verify/ })
  await expect(inbox).toHaveBeenAttempted({ times: 2, last: 'delivered', minInterval: 300 })
})

test('throttled by Office 365 twice, then delivered', async ({ page, inbox }) => {
  await inbox.simulate({ preset: 'office365-throttling', times: 2 })
  await signUp(page, inbox.address)
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
  await inbox.waitForEmail({ subject: /Verify/ })
  await expect(inbox).toHaveBeenAttempted({ times: 3, last: 'delivered', minInterval: 500 })
  const [first] = await inbox.attempts()
  expect(first?.reply).toMatch(/^451 4\.7\.500 Server busy\. Please try again later from \[127\.0\.0\.1\]/)
})

test('permanently rejected: no retry, and the user is told', async ({ page, inbox }) => {
  await inbox.simulate({ reply: '550 5.1.1 The email account that you tried to reach does not exist' })
  await signUp(page, inbox.address)
  await expect(page.getByRole('alert')).toContainText(
    `We could not send the verification email to ${inbox.address}: the mail server refused it (550 5.1.1 The email account that you tried to reach does not exist). Check the address.`,
  )
  await expect(inbox).toHaveBeenAttempted({ times: 1, last: 'refused' })
  expect(await inbox.emails()).toEqual([])
})

test('dropped mid-DATA, retried, delivered once', async ({ page, inbox }) => {
  await inbox.simulate({ stage: 'message', drop: true, times: 1 })
  await signUp(page, inbox.address)
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
  await inbox.waitForEmail({ subject: /Verify/ })
  expect((await inbox.attempts()).map((a) => a.outcome)).toEqual(['dropped', 'delivered'])
  // The dropped attempt left nothing behind: exactly one email.
  await expect(inbox).not.toReceiveEmail({}, { within: 200 })
  expect(await inbox.emails()).toHaveLength(1)
})
