import {
  type Inbox,
  type InboxProvider,
  type MailTransport,
  startWorkerContext,
  type WorkerContext,
} from '@mailwright/core'
import {
  containerLogTail,
  emailEvidence,
  observeInbox,
  slug,
  testWaitDefaults,
} from '@mailwright/core/internal'
import { registerPlugin } from '@mailwright/core/plugin'
import inboxServerPlugin from '@mailwright/inbox-server/plugin'
import { TestEmailRecorder } from '@mailwright/report'
import { test as base, inject, recordArtifact } from 'vitest'
import { EvidenceCollector, startCollecting, stopCollecting } from './evidence-collector.js'
import './email-matcher-types.js'
// The matchers at run time as well as in types: a project without the setup file still gets them.
import './setup.js'
import './provided-context.js'

// The `local` inbox type: the run's inbox server (the global setup's), else one per worker.
registerPlugin(inboxServerPlugin)

/** Fixtures Mailwright adds to Vitest's `test`. */
export interface MailwrightFixtures {
  /** This test's own inbox: a unique address, disposed after the test. */
  inbox: Inbox
  /** The worker's environment, inboxes and transport, resolved once (core's worker context). */
  mailwrightWorker: WorkerContext
  /** The worker's connection to an inbox server. */
  inboxProvider: InboxProvider
  /**
   * Sends mail the way the active environment does (MAILWRIGHT_ENV, mailwright.config.ts): into the
   * capture inbox in the sandbox, through Office 365 (guarded by the allowlist) in staging.
   */
  mailTransport: MailTransport
}

/**
 * Vitest's `test` with Mailwright's fixtures. With `@mailwright/vitest/global-setup` the inboxes live on
 * the run's server (so a separate app process can send to them); without it each worker starts its own
 * in-process server. Emails a failing test waited for or asserted on are attached as annotations (`.eml`
 * and HTML); set `MAILWRIGHT_EVIDENCE=always` to attach them for passing tests too.
 *
 * @example
 * import { test } from '@mailwright/vitest'
 * import { expect } from 'vitest'
 * test('welcome email', async ({ inbox }) => {
 *   await sendWelcome(inbox.address)
 *   const email = await inbox.waitForEmail({ subject: /Welcome/ })
 *   expect(email).toBeSentFrom('hello@example.com')
 * })
 */
export const test = base.extend<MailwrightFixtures>({
  mailwrightWorker: [
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from this pattern.
    async ({}, use) => {
      // The environment decides where inboxes live: the run's inbox (the global setup's server or
      // container), one of this worker's own, an inbox server over HTTP, or a real mailbox.
      const environment = inject('mailwrightEnv') || undefined
      const run = inject('mailwrightRun')
      const worker = await startWorkerContext({
        environment,
        runs: run ? { [run.environment]: run.description } : {},
        directory: inject('mailwrightConfigDir') || undefined,
      })
      await use(worker)
      await worker.close()
    },
    { scope: 'worker' },
  ],
  inboxProvider: [
    async ({ mailwrightWorker }, use) => use(mailwrightWorker.inboxProvider),
    { scope: 'worker' },
  ],
  mailTransport: async ({ mailwrightWorker }, use) => {
    const transport = await mailwrightWorker.mailTransport()
    await use(transport)
    await transport.close()
  },
  inbox: async ({ mailwrightWorker, task, annotate }, use) => {
    const { inboxProvider, environment } = mailwrightWorker
    const inbox = await inboxProvider.createInbox(slug(task.name, 24) || 'test')
    const startedAt = Date.now()
    const recorder = new TestEmailRecorder(environment.name)
    const collector = new EvidenceCollector(
      { annotate },
      process.env.MAILWRIGHT_EVIDENCE === 'always',
      recorder,
    )
    startCollecting(collector)
    try {
      await use(
        observeInbox(inbox, {
          around: (title, run) => recorder.wait(title, run),
          // The environment's timeouts, within the test's own (Vitest's default is 5 s, below a 10 s wait).
          defaults: () => testWaitDefaults(environment.timeouts, task.timeout, startedAt),
          onEmails: (emails) => {
            recorder.waited(emails)
            for (const email of emails) collector.touch(email, false)
          },
          onFailure: (_error, implicated) => {
            // The emails the failure names (near misses, the unexpected one) are evidence too.
            recorder.implicated(implicated)
            for (const email of implicated) collector.touch(email, false)
            collector.touch(undefined, true)
          },
        }),
      )
      // Failed for a reason Mailwright did not see (another assertion, a timeout): annotations are closed
      // by now, so the emails go in as a test artifact with the same files attached.
      // A capture container's log goes with it, for failures the server itself explains.
      if (task.result?.state === 'fail' && (!collector.annotatedAll || inboxProvider.logs)) {
        const attachments = collector.annotatedAll
          ? []
          : [...collector.emails].flatMap((email, i) =>
              emailEvidence(email, i + 1).map((f) => ({
                body: f.body,
                contentType: f.contentType,
                name: f.name,
              })),
            )
        const log = await containerLogTail(inboxProvider)
        if (log)
          attachments.push({ body: Buffer.from(log), contentType: 'text/plain', name: 'capture-server.log' })
        if (attachments.length)
          await recordArtifact(task, { type: 'mailwright:emails', attachments }).catch(() => {})
      }
    } finally {
      stopCollecting(collector)
      recorder.captured(await inbox.emails().catch(() => []))
      await inbox.dispose()
      // For @mailwright/vitest/reporter: what this test did with email.
      task.meta.mailwright = recorder.toJSON()
    }
  },
})
