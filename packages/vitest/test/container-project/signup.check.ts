import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { test } from '@mailwright/vitest'
import nodemailer from 'nodemailer'
import { expect, inject } from 'vitest'

// The app under test, as a separate piece of code: it sends with the SMTP settings the global setup gave it.
async function sendSignupEmail(to: string) {
  await nodemailer
    .createTransport({
      host: process.env.SMTP_HOST,
      port: Number(process.env.SMTP_PORT),
      ignoreTLS: true,
      dkim: { domainName: 'example.com', keySelector: 's1', privateKey: process.env.DKIM_KEY as string },
    })
    .sendMail({
      from: 'Signup <no-reply@example.com>',
      to,
      subject: 'Verify your address',
      html: '<a href="https://app.example.com/verify?t=1">Verify</a>',
    })
}

test("the inbox lives on the run's MailDev container, and DMARC passes from the raw message", async ({
  inbox,
}) => {
  const container = JSON.parse(inject('mailwrightRun')?.description as string)
  expect(container.server).toBe('maildev')
  expect(process.env.SMTP_PORT).toBe(String(container.smtp.port))
  expect(container.smtp.port).toBe(Number(process.env.CONTAINER_SMTP_PORT))
  expect(container.apiUrl).toBe(`http://127.0.0.1:${process.env.CONTAINER_API_PORT}`)
  await sendSignupEmail(inbox.address)
  const email = await inbox.waitForEmail({ subject: /Verify/ })
  expect(email).toHaveLink(/\/verify\?t=1/)
  expect(email).toHavePassedDmarc({ policy: 'reject' })
  expect(email).toHavePassedDkim({ domain: 'example.com', selector: 's1' })
})

test('every test of the run uses the one container the global setup started', () => {
  // The test that runs this project checks that all files name the same container, and that it is gone after.
  const { containerId } = JSON.parse(inject('mailwrightRun')?.description as string)
  const running = execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', containerId], {
    encoding: 'utf8',
  })
  expect(running.trim()).toBe('true')
  appendFileSync(process.env.CONTAINERS_SEEN as string, `${containerId}\n`)
})
