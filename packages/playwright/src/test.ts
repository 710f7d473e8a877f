import {
  type CapturedEmail,
  connectInboxServer,
  containerLogTail,
  type EmailMatcherImplementations,
  emailEvidence,
  emailMatchers,
  environmentTransport,
  type Inbox,
  type InboxProvider,
  loadConfig,
  type MailTransport,
  type MatcherCall,
  type MatcherResult,
  observeInbox,
  resolveEnvironment,
  slug,
  TestEmailRecorder,
  withEvidence,
} from '@mailwright/core'
import { workerInboxProvider } from '@mailwright/inbox-server'
import {
  type Browser,
  test as base,
  expect as baseExpect,
  type Expect,
  type ExpectMatcherState,
  type TestInfo,
} from '@playwright/test'
import { RECORD_CONTENT_TYPE } from './record-content-type.js'

/** When emails are attached to the test report. */
export type MailEvidenceMode = 'on-failure' | 'always' | 'off'

/** Options set with `use` (per project or file). */
export interface MailwrightOptions {
  /** Attach the emails a test touched: on failure (default), always, or never. */
  mailEvidence: MailEvidenceMode
  /** The run's inbox server; default `MAILWRIGHT_INBOX_URL` (set by `inboxServer()`), else one per worker. */
  inboxServerUrl: string | undefined
}

/** Options set with `use` that apply to a whole worker. */
export type MailwrightWorkerOptions = Pick<MailwrightWorkerFixtures, 'mailEnv'>

/** Test-scoped fixtures. */
export interface MailwrightFixtures {
  /** This test's own inbox (unique address). Its waits show as steps; its emails become evidence. */
  inbox: Inbox
  /**
   * Sends mail the way this project's environment (`mailEnv`) does: into the capture inbox in the
   * sandbox, through Office 365 (guarded by the allowlist) in staging.
   */
  mailTransport: MailTransport
}

/** Worker-scoped fixtures. */
export interface MailwrightWorkerFixtures {
  /**
   * The environment for this project (`sandbox`, `staging`, … from mailwright.config.ts), set per project
   * with `use: { mailEnv }`. Default `MAILWRIGHT_ENV` or `sandbox`. Worker-scoped: it decides the inboxes.
   */
  mailEnv: string
  inboxProvider: InboxProvider
  emailRenderer: { render(html: string): Promise<Buffer> }
}

// The running test's recorder (a worker runs one test at a time): matchers report into it.
let recording: TestEmailRecorder | undefined
const record = (email: CapturedEmail | undefined, failed: boolean, call: MatcherCall) => {
  recording?.assertion(call.matcher, call.not, !failed, call.message, email)
}

/**
 * Playwright Test's `test` with Mailwright's fixtures.
 *
 * @example
 * import { test, expect } from '@mailwright/playwright'
 * test('sign-up', async ({ page, inbox }) => {
 *   await page.getByLabel('Email').fill(inbox.address)
 *   await page.getByRole('button', { name: 'Sign up' }).click()
 *   const email = await inbox.waitForEmail({ subject: /Verify/ })
 *   expect(email).toHaveLink(/\/verify/)
 * })
 */
export const test = base.extend<MailwrightOptions & MailwrightFixtures, MailwrightWorkerFixtures>({
  mailEnv: [process.env.MAILWRIGHT_ENV || 'sandbox', { option: true, scope: 'worker' }],
  mailEvidence: ['on-failure', { option: true }],
  inboxServerUrl: [process.env.MAILWRIGHT_INBOX_URL || undefined, { option: true }],
  inboxProvider: [
    async ({ mailEnv }, use) => {
      // The project's environment decides where inboxes live: the run's server (inboxServer()), one of
      // this worker's own, an inbox server over HTTP, or a real mailbox through Graph.
      const environment = resolveEnvironment(await loadConfig(), { name: mailEnv })
      // The run's capture container for this environment, from '@mailwright/playwright/global-setup'.
      const containers = JSON.parse(process.env.MAILWRIGHT_CONTAINERS || '{}') as Record<string, string>
      const { provider, close } = await workerInboxProvider(
        environment,
        process.env.MAILWRIGHT_INBOX_URL || undefined,
        containers[environment.name],
      )
      await use(provider)
      await close()
    },
    { scope: 'worker', box: true },
  ],
  emailRenderer: [
    async ({ playwright, browserName, launchOptions }, use) => {
      let browser: Promise<Browser> | undefined
      await use({
        async render(html) {
          browser ??= playwright[browserName].launch(launchOptions)
          // No scripts and no network: rendering an email must not fetch its remote images or trackers.
          const context = await (await browser).newContext({
            javaScriptEnabled: false,
            viewport: { width: 800, height: 600 },
          })
          await context.route('**/*', (route) => route.abort())
          try {
            const page = await context.newPage()
            await page.setContent(html, { waitUntil: 'domcontentloaded' })
            return await page.screenshot({ fullPage: true })
          } finally {
            await context.close()
          }
        },
      })
      if (browser) await (await browser).close()
    },
    { scope: 'worker', box: true },
  ],
  mailTransport: [
    async ({ inboxProvider, mailEnv }, use) => {
      const environment = resolveEnvironment(await loadConfig(), { name: mailEnv })
      const transport = await environmentTransport(environment, { sandboxSmtp: inboxProvider.smtp })
      await use(transport)
      await transport.close()
    },
    { box: true },
  ],
  inbox: [
    async ({ inboxProvider, inboxServerUrl, mailEvidence, emailRenderer, mailEnv }, use, testInfo) => {
      const provider =
        inboxServerUrl && inboxServerUrl !== inboxProvider.url
          ? await connectInboxServer(inboxServerUrl)
          : inboxProvider
      const inbox = await provider.createInbox(slug(testInfo.title, 24) || 'test')
      const environment = resolveEnvironment(await loadConfig(), { name: mailEnv }).name
      const recorder = new TestEmailRecorder(environment)
      recording = recorder
      try {
        await use(
          observeInbox(inbox, {
            // Boxed: a failing wait points at the test's line, not at Mailwright's.
            around: (title, run) => test.step(title, () => recorder.wait(title, run), { box: true }),
            onEmails: (emails) => recorder.waited(emails),
          }),
        )
      } finally {
        if (recording === recorder) recording = undefined
        recorder.captured(await inbox.emails().catch(() => []))
        await inbox.dispose()
      }
      // For @mailwright/playwright/reporter (which sets MAILWRIGHT_RECORD): what this test did with email.
      if (process.env.MAILWRIGHT_RECORD === '1') {
        await testInfo.attach('_mailwright-record', {
          body: JSON.stringify(recorder),
          contentType: RECORD_CONTENT_TYPE,
        })
      }
      const failed = testInfo.status !== testInfo.expectedStatus
      if (mailEvidence === 'always' || (mailEvidence === 'on-failure' && failed)) {
        await attachEvidence(testInfo, recorder.touched, emailRenderer)
      }
      // A capture container's log, for failures the server itself explains.
      const log = failed && mailEvidence !== 'off' ? await containerLogTail(provider) : undefined
      if (log) await testInfo.attach('capture-server.log', { body: log, contentType: 'text/plain' })
    },
    { box: true },
  ],
})

/**
 * Playwright's `expect` with Mailwright's matchers (messages identical to the Vitest ones).
 *
 * @example
 * expect(email).toBeSentFrom('no-reply@example.com')
 * await expect(inbox).not.toReceiveEmail({ subject: /Reset/ }, { within: 2000 })
 */
export const expect: Expect<EmailMatcherImplementations> = baseExpect.extend(
  withEvidence({ ...emailMatchers, toContainText: containTextForEmailOrLocator }, record),
)

// Playwright has its own (web-first, async) toContainText for locators; extending expect replaces it, so
// anything that is not an email goes back to Playwright's matcher with the same arguments.
function containTextForEmailOrLocator(
  this: ExpectMatcherState,
  received: unknown,
  expected: string | RegExp,
  options?: unknown,
): MatcherResult | Promise<MatcherResult> {
  if (isCapturedEmail(received)) return emailMatchers.toContainText.call(this, received, expected)
  const builtIn = (this.isNot ? baseExpect(received).not : baseExpect(received)) as unknown as {
    toContainText(expected: string | RegExp, options?: unknown): Promise<void>
  }
  return builtIn.toContainText(expected, options).then(
    () => ({ pass: !this.isNot, message: () => '' }),
    (error: Error) => ({ pass: this.isNot, message: () => error.message }),
  )
}

function isCapturedEmail(value: unknown): boolean {
  const v = value as { envelope?: unknown; headers?: unknown; describe?: unknown } | null
  return Boolean(
    v && typeof v === 'object' && v.envelope && Array.isArray(v.headers) && typeof v.describe === 'function',
  )
}

async function attachEvidence(
  testInfo: TestInfo,
  emails: readonly CapturedEmail[],
  renderer: MailwrightWorkerFixtures['emailRenderer'],
): Promise<void> {
  let index = 0
  for (const email of emails) {
    index += 1
    for (const file of emailEvidence(email, index)) {
      await testInfo.attach(file.name, { body: file.body, contentType: file.contentType })
    }
    if (email.html !== undefined) {
      const png = await renderer
        .render(email.html)
        .catch((error: Error) => Buffer.from(`could not render: ${error.message}`))
      const isPng = png.subarray(0, 4).toString('latin1') === '\x89PNG'
      await testInfo.attach(`email-${index}-${slug(email.subject) || email.id}.${isPng ? 'png' : 'txt'}`, {
        body: png,
        contentType: isPng ? 'image/png' : 'text/plain',
      })
    }
  }
}
