import { test } from '@mailwright/vitest'
import { expect, inject } from 'vitest'
import { createMailer } from './mailer.js'

/**
 * 25 tests per file, two files on two workers: each test gets its own inbox while every other test sends
 * at the same time, and must see exactly its own email (zero cross-talk).
 */
export function isolationCases(file: string): void {
  const mailer = createMailer({ retryDelayMs: 50 })
  for (let i = 0; i < 25; i++) {
    test(`isolation ${file}${i}`, async ({ inbox }) => {
      // In the sandbox the inboxes live on the run's capture server; staging reads a real mailbox instead.
      if ((process.env.MAILWRIGHT_ENV ?? 'sandbox') === 'sandbox')
        expect(inject('mailwrightInboxUrl')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const token = `${file}${i}-${Math.random().toString(36).slice(2, 8)}`
      // Every third test's mail server says "later" once (a simulated fault; the mailer retries): had a
      // fault reached another test's address, that test's attempts would show the refusal and name it.
      const faulted = inbox.canSimulate && i % 3 === 0
      if (faulted) await inbox.simulate({ reply: `451 4.7.1 Later, ${token}`, times: 1 })
      await mailer.sendPasswordReset(inbox.address, token)
      if (inbox.canSimulate) {
        const attempts = await inbox.attempts()
        expect(attempts.map((a) => [a.outcome, a.reply?.slice(0, 3)])).toEqual(
          faulted
            ? [
                ['refused', '451'],
                ['delivered', '250'],
              ]
            : [['delivered', '250']],
        )
        // A fault names itself on the attempt it acted on, and only there.
        expect(attempts.map((a) => a.fault !== undefined)).toEqual(faulted ? [true, false] : [false])
        if (faulted) expect(attempts[0]?.reply).toBe(`451 4.7.1 Later, ${token}`)
      }
      const email = await inbox.waitForEmail({ subject: 'Reset' })
      expect(email.text).toContain(token)
      await expect(inbox).not.toReceiveEmail({}, { within: 50 })
      expect(await inbox.emails()).toHaveLength(1)
    })
  }
}
