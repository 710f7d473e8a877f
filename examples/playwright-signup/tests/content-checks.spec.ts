import { spawnSync } from 'node:child_process'
import { expect, test } from '@mailwright/playwright'

// rspamd comes from the system (apt-get install rspamd); CI installs it, a laptop may not have it.
const rspamd = spawnSync('rspamd', ['--version'], { stdio: 'ignore' }).status === 0
// The evidence (the checks' results, the five renderings) is kept even when the tests pass.
test.use({ mailEvidence: 'always' })

test('the verification email would reach the inbox, render in the big clients, and read well', async ({
  page,
  inbox,
}) => {
  test.skip(!rspamd && !process.env.CI, 'rspamd is not installed (apt-get install rspamd)')
  await page.goto('/signup')
  await page.getByLabel('Email').fill(inbox.address)
  await page.getByRole('button', { name: 'Sign up' }).click()
  const email = await inbox.waitForEmail({ subject: /Verify/ })

  // rspamd, offline on this machine, with the production sender's IP and DNS from mailwright.config.ts.
  await expect(email).toHaveSpamScore({ below: 5 })
  await expect(email).toBeCompatibleWith(['gmail', 'outlook-windows', 'apple-mail'])
  await expect(email).toBeAccessible()
  // The verification link answers (a HEAD request: the app's /verify is safe to ask twice).
  await expect(email).toHaveWorkingLinks()
})

test('a broken link in an email fails with the link, its status and its text', async ({
  inbox,
  mailTransport,
  baseURL,
}) => {
  await mailTransport.send({
    from: 'qa@contoso.test',
    to: inbox.address,
    subject: 'A link that leads nowhere',
    html: `<!doctype html><html lang="en"><body><p><a href="${baseURL}/nowhere">Open your account</a></p></body></html>`,
  })
  const email = await inbox.waitForEmail({ subject: 'A link that leads nowhere' })
  const failure = await expect(email)
    .toHaveWorkingLinks()
    .then(
      () => undefined,
      (error: Error) => error.message,
    )
  expect(failure).toContain('Received: 0 ok, 1 broken, 0 with a problem, 0 not checked')
  expect(failure).toMatch(
    /broken {6}http:\/\/127\.0\.0\.1:\d+\/nowhere 404 "Open your account" — answered 404/,
  )
})

test('an image without alt text and a low-contrast footer fail toBeAccessible, each with its help page', async ({
  inbox,
  mailTransport,
}) => {
  await mailTransport.send({
    from: 'qa@contoso.test',
    to: inbox.address,
    subject: 'Our new look',
    html: '<!doctype html><html lang="en"><body><p><img src="cid:banner" width="600" height="200"></p><p style="color:#c8c8c8;background:#ffffff">Unsubscribe at any time.</p></body></html>',
  })
  const email = await inbox.waitForEmail({ subject: 'Our new look' })
  const failure = await expect(email)
    .toBeAccessible()
    .then(
      () => undefined,
      (error: Error) => error.message,
    )
  expect(failure).toMatch(
    /^expect\(email\)\.toBeAccessible\(\) failed\n\nExpected: no accessibility violation\nReceived: 2 violation\(s\)/,
  )
  expect(failure).toMatch(
    /critical image-alt: Images must have alternative text \(1 element\)[\s\S]*https:\/\/dequeuniversity\.com\/rules\/axe\/[\d.]+\/image-alt/,
  )
  expect(failure).toContain(
    'serious  color-contrast: Elements must meet minimum color contrast ratio thresholds (1 element)',
  )
})
