import { test } from '@mailwright/vitest'
import { expect } from 'vitest'
import { createMailer } from './mailer.js'

const mailer = createMailer()

test('welcome email', async ({ inbox }) => {
  await mailer.sendWelcome(inbox.address, 'Alice')
  const email = await inbox.waitForEmail({ subject: /Welcome/ })
  expect(email).toBeSentFrom({ address: 'no-reply@acme.test', name: 'Acme' })
  expect(email).toBeSentTo(inbox.address)
  expect(email).toHaveSubject('Welcome to Acme, Alice')
  expect(email).toHaveReplyTo('support@acme.test')
  expect(email).toHaveHeader('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click')
  expect(email).toContainText('your account is ready')
  expect(email).toHaveLink('https://acme.test/start', { text: 'Get started' })
})

test('password reset carries a 6-digit code and a link with it', async ({ inbox }) => {
  await mailer.sendPasswordReset(inbox.address, '731904')
  await expect(inbox).toReceiveEmail({ subject: 'Reset your password' }, { timeout: 5000 })
  const [email] = await inbox.emails({ subject: 'Reset' })
  expect(email?.codes).toEqual(['731904'])
  expect(email).toHaveLink(/\/reset\?code=731904$/, { text: 'Reset password' })
})

test('invoice has its PDF attached', async ({ inbox }) => {
  await mailer.sendInvoice(inbox.address, '2026-0042', Buffer.alloc(20_000, 0x25))
  const email = await inbox.waitForEmail({ subject: 'Invoice' })
  expect(email).toBeSentFrom(/^billing@/)
  expect(email).toHaveAttachment({
    filename: 'invoice-2026-0042.pdf',
    contentType: 'application/pdf',
    minSize: 20_000,
  })
  expect(email).not.toHaveAttachment({ contentType: /^image\// })
})

test('nothing is sent to a user who did not ask', async ({ inbox }) => {
  await mailer.sendWelcome(`someone-else+${Date.now()}@inbox.test`, 'Bob')
  await expect(inbox).not.toReceiveEmail({}, { within: 500 })
})

test('matcher failures read the same as in every runner', async ({ inbox }) => {
  await mailer.sendWelcome(inbox.address, 'Carol')
  const email = await inbox.waitForEmail()
  expect(() => expect(email).toHaveSubject('Welcome!')).toThrowError(
    [
      'expect(email).toHaveSubject("Welcome!") failed',
      '',
      'Expected: subject "Welcome!"',
      'Received: subject "Welcome to Acme, Carol"',
      '',
      `Email:    "Welcome to Acme, Carol" from no-reply@acme.test to ${inbox.address}`,
    ].join('\n'),
  )
  expect(() => expect(email).not.toBeSentFrom('no-reply@acme.test')).toThrowError(
    /^expect\(email\)\.not\.toBeSentFrom\("no-reply@acme\.test"\) failed\n\nExpected: not from/,
  )
  // A forgotten await is named as such.
  const forgotten = inbox.waitForEmail({}, { timeout: 100 })
  forgotten.catch(() => {})
  expect(() => expect(forgotten).toHaveSubject('x')).toThrowError(/Did you forget `await`\?/)
})

test('mailTransport sends the way the active environment does (the sandbox here)', async ({
  inbox,
  mailTransport,
}) => {
  const result = await mailTransport.send({
    from: 'qa@acme.test',
    to: inbox.address,
    subject: 'Via mailTransport',
    text: 'Hi',
  })
  expect(result.response).toMatch(/^250 /)
  expect(result.recipients).toEqual([inbox.address])
  const email = await inbox.waitForEmail({ subject: 'Via mailTransport' })
  expect(email).toBeSentFrom('qa@acme.test')
  // After the 250: no bounce came back to the sending mailbox, and it was not filed as junk (in the sandbox
  // nothing bounces or is filtered; in staging, Exchange's report and verdict are read).
  await expect(result).not.toBounce({ within: 2_000 })
  expect(email).not.toBeJunk()
})
