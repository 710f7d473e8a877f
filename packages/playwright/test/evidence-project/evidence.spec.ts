import { expect, test } from '@mailwright/playwright'
import nodemailer from 'nodemailer'

const send = (to: string, subject: string) =>
  nodemailer
    .createTransport({ host: '127.0.0.1', port: Number(process.env.SMTP_PORT), ignoreTLS: true })
    .sendMail({
      from: 'app@example.com',
      to,
      subject,
      text: 'Hello',
      html: '<h1 style="color:#c00">Hello evidence</h1>',
    })

test('fails on purpose after an email arrived', async ({ inbox }) => {
  await send(inbox.address, 'Evidence please')
  const email = await inbox.waitForEmail({ subject: 'Evidence' })
  expect(email).toHaveSubject('Something else')
})

test('passes without attachments', async ({ inbox }) => {
  await send(inbox.address, 'All good')
  expect(await inbox.waitForEmail()).toHaveSubject('All good')
})
