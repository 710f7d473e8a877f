import { expect, test } from '@mailwright/playwright'
import nodemailer from 'nodemailer'

const send = (smtp: { host: string; port: number }, to: string, subject: string) =>
  nodemailer.createTransport({ ...smtp, ignoreTLS: true }).sendMail({
    from: 'app@example.com',
    to,
    subject,
    text: 'Hello',
    html: '<h1 style="color:#c00">Hello evidence</h1>',
  })

test('fails on purpose after an email arrived', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Evidence please')
  const email = await inbox.waitForEmail({ subject: 'Evidence' })
  expect(email).toHaveSubject('Something else')
})

test('a timed-out wait carries the email that did arrive', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Welcome aboard')
  await inbox.waitForEmail({ subject: 'Welcome' })
  await send(inboxProvider.smtp, inbox.address, 'Your receipt')
  // EXPECTED-LOCATION: the line below is where the report must point.
  await inbox.waitForEmail({ subject: 'Verify' }, { timeout: 1500 })
})

test('a failed .not carries the unexpected email', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Password reset')
  await expect(inbox).not.toReceiveEmail({ subject: /reset/i }, { within: 1500 })
})

test('passes without attachments', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'All good')
  expect(await inbox.waitForEmail()).toHaveSubject('All good')
})

test('uses the run-wide inbox server when there is one, else one of its own', async ({ inboxProvider }) => {
  expect(inboxProvider.url).toBe(process.env.EXPECT_INBOX_URL || undefined)
})
