import { test } from '@mailwright/vitest'
import { expect, inject } from 'vitest'
import { createMailer } from './mailer.js'

/**
 * 25 tests per file, two files on two workers: each test gets its own inbox while every other test sends
 * at the same time, and must see exactly its own email (zero cross-talk).
 */
export function isolationCases(file: string): void {
  const mailer = createMailer()
  for (let i = 0; i < 25; i++) {
    test(`isolation ${file}${i}`, async ({ inbox }) => {
      // In the sandbox the inboxes live on the run's capture server; staging reads a real mailbox instead.
      if ((process.env.MAILWRIGHT_ENV ?? 'sandbox') === 'sandbox')
        expect(inject('mailwrightInboxUrl')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const token = `${file}${i}-${Math.random().toString(36).slice(2, 8)}`
      await mailer.sendPasswordReset(inbox.address, token)
      const email = await inbox.waitForEmail({ subject: 'Reset' })
      expect(email.text).toContain(token)
      await expect(inbox).not.toReceiveEmail({}, { within: 50 })
      expect(await inbox.emails()).toHaveLength(1)
    })
  }
}
