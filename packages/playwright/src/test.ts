import {
  type CapturedEmail,
  connectInbox,
  describeQuery,
  type EmailMatcherImplementations,
  type EmailQuery,
  emailEvidence,
  emailMatchers,
  type Inbox,
  type MatcherResult,
  slug,
  withEvidence,
} from '@mailwright/core'
import { startInboxServer } from '@mailwright/inbox-server'
import {
  type Browser,
  test as base,
  expect as baseExpect,
  type Expect,
  type ExpectMatcherState,
  type TestInfo,
} from '@playwright/test'

/** When emails are attached to the test report. */
export type MailEvidenceMode = 'on-failure' | 'always' | 'off'

/** Options set with `use` (per project or file). */
export interface MailwrightOptions {
  /** The environment name for this project (`sandbox`, `staging`, …). Default `MAILWRIGHT_ENV` or `sandbox`. */
  mailEnv: string
  /** Attach the emails a test touched: on failure (default), always, or never. */
  mailEvidence: MailEvidenceMode
  /** The run's inbox server; default `MAILWRIGHT_INBOX_URL` (set by `inboxServer()`), else one per worker. */
  inboxServerUrl: string | undefined
}

/** Creates inboxes on the run's inbox server, or on one this worker started. */
export interface InboxProvider {
  readonly url: string | undefined
  /** Where to send mail so it lands in these inboxes. */
  readonly smtp: { host: string; port: number }
  createInbox(name: string): Promise<Inbox>
}

/** Test-scoped fixtures. */
export interface MailwrightFixtures {
  /** This test's own inbox (unique address). Its waits show as steps; its emails become evidence. */
  inbox: Inbox
}

/** Worker-scoped fixtures. */
export interface MailwrightWorkerFixtures {
  inboxProvider: InboxProvider
  emailRenderer: { render(html: string): Promise<Buffer> }
}

let collecting: Set<CapturedEmail> | undefined
const record = (email: CapturedEmail | undefined) => {
  if (email) collecting?.add(email)
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
  mailEnv: [process.env.MAILWRIGHT_ENV ?? 'sandbox', { option: true }],
  mailEvidence: ['on-failure', { option: true }],
  inboxServerUrl: [process.env.MAILWRIGHT_INBOX_URL || undefined, { option: true }],
  inboxProvider: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
    async ({}, use) => {
      const url = process.env.MAILWRIGHT_INBOX_URL || undefined
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
  inbox: [
    async ({ inboxProvider, inboxServerUrl, mailEvidence, emailRenderer }, use, testInfo) => {
      const provider =
        inboxServerUrl && inboxServerUrl !== inboxProvider.url
          ? { createInbox: (name: string) => connectInbox(inboxServerUrl, { name }) }
          : inboxProvider
      const inbox = await provider.createInbox(slug(testInfo.title, 24) || 'test')
      const collected = new Set<CapturedEmail>()
      collecting = collected
      try {
        await use(stepped(inbox, collected))
      } finally {
        if (collecting === collected) collecting = undefined
        await inbox.dispose()
      }
      const failed = testInfo.status !== testInfo.expectedStatus
      if (mailEvidence === 'always' || (mailEvidence === 'on-failure' && failed)) {
        await attachEvidence(testInfo, collected, emailRenderer)
      }
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
  emails: Set<CapturedEmail>,
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

async function smtpOf(url: string): Promise<{ host: string; port: number }> {
  const response = await fetch(`${url}/readyz`)
  const body = (await response.json()) as { smtp?: { host: string; port: number } }
  if (!response.ok || !body.smtp)
    throw new Error(`The inbox server at ${url} is not ready (GET /readyz answered ${response.status}).`)
  return body.smtp
}

// The inbox a test sees: the same contract, with each wait shown as a step and its emails kept as evidence.
function stepped(inbox: Inbox, collected: Set<CapturedEmail>): Inbox {
  const step = <T>(title: string, run: () => Promise<T>) => test.step(title, run, { box: true })
  const what = (query?: EmailQuery) =>
    query && Object.keys(query).length ? ` matching ${describeQuery(query)}` : ''
  return {
    get address() {
      return inbox.address
    },
    waitForEmail: (query, options) =>
      step(`wait for email to ${inbox.address}${what(query)}`, async () => {
        const email = await inbox.waitForEmail(query, options)
        collected.add(email)
        return email
      }),
    waitForEmails: (count, query, options) =>
      step(`wait for ${count} emails to ${inbox.address}${what(query)}`, async () => {
        const emails = await inbox.waitForEmails(count, query, options)
        for (const email of emails) collected.add(email)
        return emails
      }),
    emails: (query) => inbox.emails(query),
    expectNoEmail: (query, options) =>
      step(`expect no email to ${inbox.address}${what(query)}`, () => inbox.expectNoEmail(query, options)),
    dispose: () => inbox.dispose(),
    [Symbol.asyncDispose]: () => inbox.dispose(),
  }
}
