import { connectInbox, emailEvidence, type Inbox, slug } from '@mailwright/core'
import { startInboxServer } from '@mailwright/inbox-server'
import { test as base, inject, recordArtifact } from 'vitest'
import { EvidenceCollector, startCollecting, stopCollecting } from './evidence-collector.js'
import './provided-context.js'

/** Creates inboxes on the run's inbox server, or on one started in this worker when there is none. */
export interface InboxProvider {
  readonly url: string | undefined
  /** Where to send mail so it lands in these inboxes. */
  readonly smtp: { host: string; port: number }
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
        await use({ url, smtp: await smtpOf(url), createInbox: (name) => connectInbox(url, { name }) })
        return
      }
      const server = await startInboxServer({ httpPort: false })
      await use({
        url: undefined,
        smtp: server.smtp,
        createInbox: async (name) => server.createInbox({ name }),
      })
      await server.stop()
    },
    { scope: 'worker' },
  ],
  inbox: async ({ inboxProvider, task, annotate }, use) => {
    const inbox = await inboxProvider.createInbox(slug(task.name, 24) || 'test')
    const collector = new EvidenceCollector({ annotate }, process.env.MAILWRIGHT_EVIDENCE === 'always')
    startCollecting(collector)
    try {
      await use(recordingWaits(inbox, collector))
      // Failed for a reason Mailwright did not see (another assertion, a timeout): annotations are closed
      // by now, so the emails go in as a test artifact with the same files attached.
      if (task.result?.state === 'fail' && !collector.annotatedAll) {
        const attachments = [...collector.emails].flatMap((email, i) =>
          emailEvidence(email, i + 1).map((f) => ({
            body: f.body,
            contentType: f.contentType,
            name: f.name,
          })),
        )
        await recordArtifact(task, { type: 'mailwright:emails', attachments }).catch(() => {})
      }
    } finally {
      stopCollecting(collector)
      await inbox.dispose()
    }
  },
})

async function smtpOf(url: string): Promise<{ host: string; port: number }> {
  const response = await fetch(`${url}/readyz`)
  const body = (await response.json()) as { smtp?: { host: string; port: number } }
  if (!response.ok || !body.smtp)
    throw new Error(`The inbox server at ${url} is not ready (GET /readyz answered ${response.status}).`)
  return body.smtp
}

// The inbox a test sees: the same contract; the emails its waits return become evidence, and a wait
// that fails (timeout, unexpected email) counts as a failed Mailwright check.
function recordingWaits(inbox: Inbox, collector: EvidenceCollector): Inbox {
  const failing = <T>(promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      collector.touch(undefined, true)
      throw error
    })
  return {
    get address() {
      return inbox.address
    },
    waitForEmail: async (query, options) => {
      const email = await failing(inbox.waitForEmail(query, options))
      collector.touch(email, false)
      return email
    },
    waitForEmails: async (count, query, options) => {
      const emails = await failing(inbox.waitForEmails(count, query, options))
      for (const email of emails) collector.touch(email, false)
      return emails
    },
    emails: (query) => inbox.emails(query),
    expectNoEmail: (query, options) => failing(inbox.expectNoEmail(query, options)),
    dispose: () => inbox.dispose(),
    [Symbol.asyncDispose]: () => inbox.dispose(),
  }
}
