import { test } from '@mailwright/vitest'
import nodemailer from 'nodemailer'
import { expect } from 'vitest'

const send = (smtp: { host: string; port: number }, to: string, subject: string) =>
  nodemailer
    .createTransport({ ...smtp, ignoreTLS: true })
    .sendMail({ from: 'app@example.com', to, subject, text: 'Hello', html: '<h1>Hello evidence</h1>' })

test('fails on purpose after an email arrived', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Evidence please')
  const email = await inbox.waitForEmail({ subject: 'Evidence' })
  expect(email).toHaveSubject('Something else')
})

test('passes without annotations', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'All good')
  expect(await inbox.waitForEmail()).toHaveSubject('All good')
})

test('fails for a reason Mailwright does not see', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Other failure')
  await inbox.waitForEmail()
  expect(1 + 1).toBe(3)
})

test('receives an email it never waits for', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Never looked at')
  await expect.poll(async () => (await inbox.emails()).length).toBe(1)
})

test('a timed-out wait carries the email that arrived instead', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Your receipt')
  await inbox.waitForEmail({ subject: 'Verify' }, { timeout: 1500 })
})

test('a failed .not carries the unexpected email', async ({ inbox, inboxProvider }) => {
  await send(inboxProvider.smtp, inbox.address, 'Password reset')
  await expect(inbox).not.toReceiveEmail({ subject: /reset/i }, { within: 1500 })
})
