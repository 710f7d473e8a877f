import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  type CapturedEmail,
  connectInboxServer,
  type EmailMatcherImplementations,
  emailMatchers,
  type Inbox,
  type InboxProvider,
  type MailTransport,
  MailwrightError,
  type MatcherResult,
  startWorkerContext,
  type WorkerContext,
} from '@mailwright/core'
import {
  ALL_EMAIL_RENDERINGS,
  CONTENT_BOX,
  containerLogTail,
  EMAIL_RENDERINGS,
  type EmailRendering,
  emailEvidence,
  headerStrip,
  type MatcherCall,
  observeInbox,
  renderEmailHtml,
  slug,
  testWaitDefaults,
  withEvidence,
} from '@mailwright/core/internal'
import { registerPlugin } from '@mailwright/core/plugin'
import inboxServerPlugin from '@mailwright/inbox-server/plugin'
import { TestEmailRecorder } from '@mailwright/report'
import {
  type Browser,
  test as base,
  expect as baseExpect,
  type Expect,
  type ExpectMatcherState,
  type TestInfo,
} from '@playwright/test'
import { RECORD_CONTENT_TYPE } from './record-content-type.js'

// The `local` inbox type: the run's inbox server (inboxServer()), else one per worker.
registerPlugin(inboxServerPlugin)

/** When emails are attached to the test report. */
export type MailEvidenceMode = 'on-failure' | 'always' | 'off'

/** Options set with `use` (per project or file). */
export interface MailwrightOptions {
  /** Attach the emails a test touched: on failure (default), always, or never. */
  mailEvidence: MailEvidenceMode
  /** Which PNG renderings of each email its evidence carries. Default: all five (see {@link EmailRendering}). */
  emailRenderings: EmailRendering[]
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
   * with `use: { mailEnv }`. Default `MAILWRIGHT_ENV`, else the config's `defaultEnvironment`, else `sandbox`. Worker-scoped: it decides the inboxes.
   */
  mailEnv: string
  /** The worker's environment, inboxes and transport, resolved once (core's worker context). */
  mailwrightWorker: WorkerContext
  inboxProvider: InboxProvider
  emailRenderer: {
    render(
      email: CapturedEmail,
      renderings: readonly EmailRendering[],
    ): Promise<Array<{ rendering: EmailRendering; png: Buffer }>>
  }
}

// The running test's recorder (a worker runs one test at a time): matchers report into it.
let recording: TestEmailRecorder | undefined
const record = (email: CapturedEmail | undefined, failed: boolean, call: MatcherCall) => {
  recording?.assertion(call.matcher, call.not, !failed, call.message, email, call.check)
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
  // Empty: MAILWRIGHT_ENV, else the config's defaultEnvironment, else sandbox (as the global setup decides).
  mailEnv: [process.env.MAILWRIGHT_ENV || '', { option: true, scope: 'worker' }],
  mailEvidence: ['on-failure', { option: true }],
  emailRenderings: [ALL_EMAIL_RENDERINGS, { option: true }],
  inboxServerUrl: [process.env.MAILWRIGHT_INBOX_URL || undefined, { option: true }],
  mailwrightWorker: [
    async ({ mailEnv }, use) => {
      // The project's environment decides where inboxes live: the run's server (inboxServer()), the run's
      // inbox from '@mailwright/playwright/global-setup' (a container), one of this worker's own, or a real
      // mailbox.
      const worker = await startWorkerContext({
        environment: mailEnv,
        runs: JSON.parse(process.env.MAILWRIGHT_RUN_INBOXES || '{}') as Record<string, string>,
        localRun: process.env.MAILWRIGHT_INBOX_URL || undefined,
      })
      await use(worker)
      await worker.close()
    },
    { scope: 'worker', box: true },
  ],
  inboxProvider: [
    async ({ mailwrightWorker }, use) => use(mailwrightWorker.inboxProvider),
    { scope: 'worker', box: true },
  ],
  emailRenderer: [
    async ({ playwright, browserName, launchOptions }, use) => {
      let browser: Promise<Browser> | undefined
      await use({
        async render(email, renderings) {
          browser ??= playwright[browserName].launch(launchOptions)
          // No scripts and no network: rendering an email must not fetch its remote images or trackers.
          const context = await (await browser).newContext({
            javaScriptEnabled: false,
            viewport: { width: 800, height: 600 },
          })
          await context.route('**/*', (route) => route.abort())
          try {
            const page = await context.newPage()
            const pngs: Array<{ rendering: EmailRendering; png: Buffer }> = []
            for (const rendering of renderings) {
              const how = EMAIL_RENDERINGS[rendering]
              await page.setViewportSize({ width: how.width, height: 600 })
              await page.emulateMedia({ colorScheme: how.options.scheme })
              const { html } = renderEmailHtml(email, how.options)
              await page.setContent(html, { waitUntil: 'domcontentloaded' })
              // Cropped to what the email draws: most are a 600 px column, not the whole viewport.
              const box = (await page.evaluate(CONTENT_BOX)) as { right: number; bottom: number }
              const body = await page.screenshot({
                fullPage: true,
                clip: {
                  x: 0,
                  y: 0,
                  width: Math.max(how.width === 800 ? 320 : how.width, Math.ceil(box.right) + 8),
                  height: Math.max(40, Math.ceil(box.bottom) + 8),
                },
              })
              // Then a header strip above it, as a mail client shows the message: From, To, Subject, Date,
              // and which rendering this is.
              await page.emulateMedia({ colorScheme: 'light' })
              await page.setContent(headerStrip(email, body, how.label), { waitUntil: 'load' })
              pngs.push({ rendering, png: await page.locator('#mailwright-evidence').screenshot() })
            }
            return pngs
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
    async ({ mailwrightWorker }, use) => {
      const transport = await mailwrightWorker.mailTransport()
      await use(transport)
      await transport.close()
    },
    { box: true },
  ],
  inbox: [
    async (
      { mailwrightWorker, inboxServerUrl, mailEvidence, emailRenderer, emailRenderings },
      use,
      testInfo,
    ) => {
      const { inboxProvider, environment } = mailwrightWorker
      const provider =
        inboxServerUrl && inboxServerUrl !== inboxProvider.url
          ? await connectInboxServer(inboxServerUrl)
          : inboxProvider
      const inbox = await provider.createInbox(slug(testInfo.title, 24) || 'test')
      const startedAt = Date.now()
      const recorder = new TestEmailRecorder(environment.name)
      recording = recorder
      try {
        await use(
          observeInbox(inbox, {
            // Boxed, and located at the test's own call: a failing wait points at the test's line.
            around: (title, run) => {
              const location = callerLocation()
              if (!location) return test.step(title, () => recorder.wait(title, run), { box: true })
              return test.step(
                title,
                async () => {
                  try {
                    return await recorder.wait(title, run)
                  } catch (error) {
                    // The failure arrives from the inbox's side, with no frame of the test: give it the test's.
                    if (error instanceof MailwrightError) {
                      error.stack = `${error.name}: ${error.message}\n    at ${location.file}:${location.line}:${location.column}`
                    }
                    throw error
                  }
                },
                { location },
              )
            },
            onEmails: (emails) => recorder.waited(emails),
            onFailure: (_error, implicated) => recorder.implicated(implicated),
            // The environment's timeouts, within the test's own (testInfo.timeout; 0 when there is none).
            defaults: () => testWaitDefaults(environment.timeouts, testInfo.timeout, startedAt),
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
        await attachEvidence(testInfo, recorder, emailRenderer, emailRenderings)
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
  recorder: TestEmailRecorder,
  renderer: MailwrightWorkerFixtures['emailRenderer'],
  renderings: readonly EmailRendering[],
): Promise<void> {
  let index = 0
  for (const email of recorder.touched) {
    index += 1
    for (const file of emailEvidence(email, index, recorder.checksOf(email))) {
      await testInfo.attach(file.name, { body: file.body, contentType: file.contentType })
    }
    if (email.html === undefined || renderings.length === 0) continue
    const base = `email-${index}-${slug(email.subject) || email.id}`
    try {
      for (const { rendering, png } of await renderer.render(email, renderings)) {
        // The desktop rendering keeps the plain name: it is the one most reports show.
        const name = rendering === 'desktop' ? `${base}.png` : `${base}.${rendering}.png`
        await testInfo.attach(name, { body: png, contentType: 'image/png' })
      }
    } catch (error) {
      await testInfo.attach(`${base}.txt`, {
        body: `could not render: ${(error as Error).message}`,
        contentType: 'text/plain',
      })
    }
  }
}

// Frames of Mailwright's own code (this package and core, built or installed), skipped to find the test's line.
// Stacks may be source-mapped (Playwright maps them), so both dist/ and src/ of each package count.
const OWN_CODE = [
  fileURLToPath(import.meta.url),
  fileURLToPath(import.meta.resolve('@mailwright/core')),
].flatMap((entry) => {
  const root = dirname(dirname(entry))
  return [join(root, 'dist'), join(root, 'src')]
})

/** Where the test called into the inbox: the first stack frame outside Mailwright and Node. */
function callerLocation(): { file: string; line: number; column: number } | undefined {
  for (const frame of (new Error().stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?$/.exec(frame.trim())
    if (!match) continue
    const file = match[1]?.startsWith('file://') ? fileURLToPath(match[1]) : (match[1] as string)
    if (OWN_CODE.some((dir) => file.startsWith(dir)) || file.includes('/node_modules/')) continue
    return { file, line: Number(match[2]), column: Number(match[3]) }
  }
  return undefined
}
