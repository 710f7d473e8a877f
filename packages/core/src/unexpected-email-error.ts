import { describeQuery, type EmailQuery } from './email-query.js'
import { MailwrightError } from './mailwright-error.js'

/**
 * `expectNoEmail` saw an email it was told must not arrive.
 *
 * @example
 * await inbox.expectNoEmail({ subject: /Reset/ }, { within: 3000 }) // rejects if a reset email arrives
 */
export class UnexpectedEmailError extends MailwrightError {
  readonly address: string
  readonly query: EmailQuery
  readonly withinMs: number
  readonly emailId: string
  readonly email: string

  constructor(details: {
    address: string
    query: EmailQuery
    withinMs: number
    emailId: string
    email: string
  }) {
    super(
      'UNEXPECTED_EMAIL',
      `Expected no email matching ${describeQuery(details.query)} at ${details.address} within ${details.withinMs} ms, but ${details.email} arrived (id ${details.emailId}).\n\nIf this email is expected, assert it with waitForEmail() first (expectNoEmail ignores emails an earlier wait on this inbox returned), or narrow the query.`,
    )
    this.address = details.address
    this.query = details.query
    this.withinMs = details.withinMs
    this.emailId = details.emailId
    this.email = details.email
  }
}
