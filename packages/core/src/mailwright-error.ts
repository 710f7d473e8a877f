/** Where Mailwright's docs live: every error ends with a page and anchor here. */
export const DOCS_URL = 'https://github.com/mailwright/mailwright/blob/main/docs'

// One prefix for every Mailwright error, so a line in a CI log says whose error it is (as msw's "[MSW]").
const PREFIX = '[Mailwright] '
const MORE = /\n\nRead more: \S+$/

/**
 * The base of every error Mailwright throws. Each message says what failed, the value involved, and
 * what to do next; subclasses carry the same facts as typed fields. Every message starts with `[Mailwright]`
 * and ends with where to read more (docs/errors.md, at the error's code).
 *
 * @example
 * try {
 *   await inbox.waitForEmail({ subject: /Verify/ })
 * } catch (error) {
 *   if (error instanceof MailwrightError) console.log(error.code, error.docs)
 * }
 */
export class MailwrightError extends Error {
  /** A stable identifier for programs: `EMAIL_TIMEOUT`, `INVALID_QUERY`, … */
  readonly code: string
  /** The message without the prefix and the link: what the HTTP API sends, and what gets wrapped. */
  readonly detail: string
  /** Where to read more about this error: its section of docs/errors.md. */
  readonly docs: string

  constructor(code: string, message: string, options?: ErrorOptions) {
    // A message that already carries the prefix and link (an error passed on, a server's answer) keeps one.
    const detail = message.replace(MORE, '').replace(/^\[Mailwright\] /, '')
    const docs = `${DOCS_URL}/errors.md#${code.toLowerCase()}`
    super(`${PREFIX}${detail}\n\nRead more: ${docs}`, options)
    this.name = new.target.name
    this.code = code
    this.detail = detail
    this.docs = docs
  }
}

/**
 * What an error says, for a message that quotes it: a Mailwright error without its prefix and link (the
 * outer error adds its own), anything else by its message.
 *
 * @example
 * throw new UsageError(`mailwright serve: --dns ${errorDetail(error)}`)
 */
export function errorDetail(error: unknown): string {
  return error instanceof MailwrightError
    ? error.detail
    : error instanceof Error
      ? error.message
      : String(error)
}
