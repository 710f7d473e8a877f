import { appendFileSync } from 'node:fs'
import { test } from '@mailwright/vitest'
import nodemailer from 'nodemailer'
import { expect, inject } from 'vitest'

// Many tests on the one shared mailbox, concurrently across workers: each sees only its own email.
for (let n = 1; n <= 10; n++) {
  test(`isolated inbox ${n}`, async ({ inbox }) => {
    await nodemailer
      .createTransport({ host: process.env.SMTP_HOST, port: Number(process.env.SMTP_PORT), ignoreTLS: true })
      .sendMail({ from: 'app@example.com', to: inbox.address, subject: `Hello ${n}`, text: `n=${n}` })
    const email = await inbox.waitForEmail()
    expect(email).toHaveSubject(`Hello ${n}`)
    await expect(inbox).not.toReceiveEmail({}, { within: 200 })
    appendFileSync(
      process.env.CONTAINERS_SEEN as string,
      `${JSON.parse(inject('mailwrightRun')?.description as string).containerId}\n`,
    )
  })
}
