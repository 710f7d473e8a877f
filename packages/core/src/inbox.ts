import type { CapturedEmail } from './captured-email.js'
import type { EmailQuery } from './email-query.js'

/** Options of the waiting calls. */
export interface WaitOptions {
  /** Milliseconds to wait before failing with EmailTimeoutError. Default 10,000. */
  timeout?: number
}

/** Options of {@link Inbox.expectNoEmail}. */
export interface ExpectNoEmailOptions {
  /** Milliseconds the inbox must stay free of matching emails. Default 2,000. */
  within?: number
}

export const DEFAULT_WAIT_TIMEOUT = 10_000
export const DEFAULT_NO_EMAIL_WINDOW = 2_000

/**
 * One test's mailbox: a unique address and the emails sent to it. Every back end (the embedded capture,
 * the HTTP client, containers, Office 365) implements this contract, so tests and matchers cannot tell
 * them apart. Waiting is pushed by the back end, never polled.
 *
 * Waits hand out each email once: a second `waitForEmail()` returns the next matching email, not the one
 * the first already returned. `emails()` lists everything.
 *
 * @example
 * const inbox = server.createInbox()
 * await sendSignup(inbox.address)
 * const email = await inbox.waitForEmail({ subject: /Verify/ })
 * await inbox.expectNoEmail({ subject: /Verify/ }, { within: 1000 }) // no duplicate
 * await inbox.dispose()
 */
export interface Inbox extends AsyncDisposable {
  /** The unique address to give the application under test. */
  readonly address: string
  /** Resolves with the oldest matching email not yet returned by a wait, as soon as it exists. */
  waitForEmail(query?: EmailQuery, options?: WaitOptions): Promise<CapturedEmail>
  /** Resolves with `count` matching emails not yet returned by a wait, in arrival order. */
  waitForEmails(count: number, query?: EmailQuery, options?: WaitOptions): Promise<CapturedEmail[]>
  /** Every email for this address matching the query, in arrival order, now. */
  emails(query?: EmailQuery): Promise<CapturedEmail[]>
  /**
   * Resolves only if no matching email (other than ones a wait already returned) is present or arrives
   * during the whole window; rejects with UnexpectedEmailError as soon as one does.
   */
  expectNoEmail(query?: EmailQuery, options?: ExpectNoEmailOptions): Promise<void>
  /** Cancels pending waits and releases the inbox. */
  dispose(): Promise<void>
}
