import type { CapturedEmail } from './captured-email.js'
import type { EmailQuery } from './email-query.js'
import type { InboxFault, SmtpAttempt } from './smtp-fault.js'

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
  /**
   * Whether this inbox can {@link Inbox.simulate} faults and list {@link Inbox.attempts}: true for the
   * Mailwright capture inbox (in process or over HTTP), false for real mailboxes and containers.
   */
  readonly canSimulate: boolean
  /**
   * Makes the capture inbox's SMTP server misbehave for this address only: a reply at a stage, a delay, a
   * dropped connection, greylisting, an Office 365 preset. Faults add up in the order given, each acting
   * on `times` attempts, and end when the inbox is disposed (with its test). Other addresses, and so
   * parallel tests, are never affected. Throws FaultsUnsupportedError where {@link Inbox.canSimulate} is false.
   *
   * @example
   * await inbox.simulate({ preset: 'office365-throttling', times: 2 })
   * await app.signup(inbox.address)                       // the app must retry twice
   * await inbox.waitForEmail({ subject: /Verify/ })
   * await expect(inbox).toHaveBeenAttempted({ times: 3 })
   */
  simulate(fault: InboxFault): Promise<void>
  /**
   * Every SMTP transaction that named this address so far, refused and dropped ones included, oldest
   * first: what the application tried, when, and what it was told.
   */
  attempts(): Promise<SmtpAttempt[]>
  /** Cancels pending waits and releases the inbox (and ends its faults). */
  dispose(): Promise<void>
}
