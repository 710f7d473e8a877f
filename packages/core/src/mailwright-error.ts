/**
 * The base of every error Mailwright throws. Each message says what failed, the value involved, and
 * what to do next; subclasses carry the same facts as typed fields.
 *
 * @example
 * try {
 *   await inbox.waitForEmail({ subject: /Verify/ })
 * } catch (error) {
 *   if (error instanceof MailwrightError) console.log(error.code)
 * }
 */
export class MailwrightError extends Error {
  /** A stable identifier for programs: `EMAIL_TIMEOUT`, `INVALID_QUERY`, … */
  readonly code: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}
