import { expect, test } from '@mailwright/playwright'

// The sign-up flows keep their emails in the report even when they pass, so the HTML report shows them.
test.use({ mailEvidence: 'always' })

test('sign-up sends a verification email whose link verifies the account', async ({ page, inbox }) => {
  await page.goto('/signup')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Sign up' }).click()
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
  // Playwright's own toContainText still works on locators beside the email matcher of the same name.
  await expect(page.locator('main')).toContainText('We sent a verification link')

  const email = await inbox.waitForEmail({ subject: /Verify/ })
  expect(email).toBeSentFrom({ address: 'no-reply@signup-app.test', name: 'Signup App' })
  expect(email).toBeSentTo(inbox.address)
  expect(email).toHaveSubject('Verify your email address')
  // Playwright's linters treat toContainText as async (it is, for locators), so it is awaited here.
  await expect(email).toContainText('Your verification code is')
  expect(email).toHaveLink(/\/verify\?token=[0-9a-f]{32}$/, { text: 'Verify email' })
  expect(email.codes[0]).toMatch(/^\d{6}$/)
  // Judged as a receiver would judge the production sender (DKIM-signed, SPF for 203.0.113.10, p=reject).
  expect(email).toHavePassedSpf()
  expect(email).toHavePassedDkim({ domain: 'signup-app.test', selector: 's1' })
  expect(email).toHavePassedDmarc({ policy: 'reject' })

  const link = email.links.find((l) => l.text === 'Verify email')
  await page.goto(link?.href ?? '')
  await expect(page.getByRole('heading', { name: 'Account verified' })).toBeVisible()
})

test('password reset works with the emailed code', async ({ page, inbox }) => {
  await page.goto('/signup')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Sign up' }).click()
  await inbox.waitForEmail({ subject: /Verify/ })

  await page.goto('/reset')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Send reset code' }).click()
  await expect(inbox).toReceiveEmail({ subject: 'Reset your password' })
  const [reset] = await inbox.emails({ subject: 'Reset your password' })
  const code = reset?.codes[0] ?? ''
  expect(code).toMatch(/^\d{6}$/)

  await page.getByLabel('Code').fill(code)
  await page.getByLabel('New password').fill('correct horse battery staple')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('heading', { name: 'Password changed' })).toBeVisible()
})

test('an unknown user gets no reset email', async ({ page, inbox }) => {
  await page.goto('/reset')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Send reset code' }).click()
  await expect(page.getByText('If ')).toBeVisible()
  await expect(inbox).not.toReceiveEmail({}, { within: 1500 })
})
