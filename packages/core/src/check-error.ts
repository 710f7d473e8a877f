import { MailwrightError } from './mailwright-error.js'

/**
 * A content check could not give an answer: its checker (rspamd, SpamAssassin, caniemail, links, axe-core)
 * is missing, crashed, timed out or answered something unreadable. Never a pass: the assertion that asked
 * fails with this error, which names the checker and what to do.
 *
 * @example
 * throw new CheckError('rspamd', 'rspamd did not answer within 30000 ms. Raise MAILWRIGHT_TIME_SCALE on a slow machine.')
 */
export class CheckError extends MailwrightError {
  /** Which checker failed: `rspamd`, `SpamAssassin`, `caniemail`, `links`, `axe-core`, `renderer`. */
  readonly checker: string

  constructor(checker: string, message: string, options?: ErrorOptions) {
    super('CHECK_FAILED', message, options)
    this.checker = checker
  }
}
