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
      // Every third test's mail server refuses it for good: had that fault reached another test's address,
      // the other test's send would fail too, and its attempts would name the fault.
      if (inbox.canSimulate && i % 3 === 0) {
        await inbox.simulate({ reply: `550 5.7.1 Refused for ${token}` })
        await expect(mailer.sendPasswordReset(inbox.address, token)).rejects.toThrow(
          `550 5.7.1 Refused for ${token}`,
        )
        await expect(inbox).toHaveBeenAttempted({ times: 1, last: 'refused' })
        return
      }
      await mailer.sendPasswordReset(inbox.address, token)
      if (inbox.canSimulate) {
        await expect(inbox).toHaveBeenAttempted({ times: 1, last: 'delivered' })
        expect((await inbox.attempts())[0]?.fault).toBeUndefined()
      }
      const email = await inbox.waitForEmail({ subject: 'Reset' })
      expect(email.text).toContain(token)
      await expect(inbox).not.toReceiveEmail({}, { within: 50 })
      expect(await inbox.emails()).toHaveLength(1)
    })
  }
}
