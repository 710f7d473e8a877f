import { connectInbox, emailEvidence, type Inbox, slug } from '@mailwright/core'
import { startInboxServer } from '@mailwright/inbox-server'
import { test as base, inject } from 'vitest'
import { startCollecting, stopCollecting } from './evidence-collector.js'
import './provided-context.js'

/** Creates inboxes on the run's inbox server, or on one started in this worker when there is none. */
export interface InboxProvider {
  readonly url: string | undefined
  createInbox(name: string): Promise<Inbox>
}

/** Fixtures Mailwright adds to Vitest's `test`. */
export interface MailwrightFixtures {
  /** This test's own inbox: a unique address, disposed after the test. */
  inbox: Inbox
  /** The worker's connection to an inbox server. */
  inboxProvider: InboxProvider
}

/**
 * Vitest's `test` with Mailwright's fixtures. With `@mailwright/vitest/global-setup` the inboxes live on
 * the run's server (so a separate app process can send to them); without it each worker starts its own
 * in-process server. Emails a failing test waited for or asserted on are attached as annotations (`.eml`
 * and HTML); set `MAILWRIGHT_EVIDENCE=always` to attach them for passing tests too.
 *
 * @example
 * import { test, expect } from '@mailwright/vitest'
 * test('welcome email', async ({ inbox }) => {
 *   await sendWelcome(inbox.address)
 *   const email = await inbox.waitForEmail({ subject: /Welcome/ })
 *   expect(email).toBeSentFrom('hello@example.com')
 * })
 */
export const test = base.extend<MailwrightFixtures>({
  inboxProvider: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from this pattern.
    async ({}, use) => {
      const url = inject('mailwrightInboxUrl')
      if (url) {
        await use({ url, createInbox: (name) => connectInbox(url, { name }) })
        return
      }
      const server = await startInboxServer({ httpPort: false })
      await use({ url: undefined, createInbox: async (name) => server.createInbox({ name }) })
      await server.stop()
    },
    { scope: 'worker' },
  ],
  inbox: async ({ inboxProvider, task, annotate, onTestFailed }, use) => {
    const inbox = await inboxProvider.createInbox(slug(task.name, 24) || 'test')
    const collected = startCollecting()
    const wrapped = recordingWaits(inbox, collected)
    let attached = false
    const attach = async () => {
      if (attached) return
      attached = true
      let index = 0
      for (const email of collected) {
        index += 1
        for (const file of emailEvidence(email, index)) {
          await annotate(`${file.name}: ${email.describe()}`, 'mailwright', {
            body: file.body,
            contentType: file.contentType,
          })
        }
      }
    }
    onTestFailed(attach)
    try {
      await use(wrapped)
      if (process.env.MAILWRIGHT_EVIDENCE === 'always') await attach()
    } finally {
      stopCollecting(collected)
      await inbox.dispose()
    }
  },
})

function recordingWaits(inbox: Inbox, collected: Set<unknown>): Inbox {
  return {
    get address() {
      return inbox.address
    },
    waitForEmail: async (query, options) => {
      const email = await inbox.waitForEmail(query, options)
      collected.add(email)
      return email
    },
    waitForEmails: async (count, query, options) => {
      const emails = await inbox.waitForEmails(count, query, options)
      for (const email of emails) collected.add(email)
      return emails
    },
    emails: (query) => inbox.emails(query),
    expectNoEmail: (query, options) => inbox.expectNoEmail(query, options),
    dispose: () => inbox.dispose(),
    [Symbol.asyncDispose]: () => inbox.dispose(),
  }
}
