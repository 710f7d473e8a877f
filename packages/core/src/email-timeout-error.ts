import { describeQuery, type EmailQuery } from './email-query.js'
import { MailwrightError } from './mailwright-error.js'
import { formatNearMisses, type NearMiss } from './near-miss.js'
import { describeAttempts, type SmtpAttempt } from './smtp-fault.js'

/**
 * A wait ended before enough matching emails arrived. `nearMisses` lists what did arrive: for this
 * address (with why each did not match) and for other addresses that would have matched.
 *
 * @example
 * try { await inbox.waitForEmail({ subject: /Verify/ }, { timeout: 2000 }) }
 * catch (e) { if (e instanceof EmailTimeoutError) console.log(e.nearMisses) }
 */
export class EmailTimeoutError extends MailwrightError {
  readonly address: string
  readonly query: EmailQuery
  readonly timeoutMs: number
  readonly expected: number
  readonly received: number
  readonly nearMisses: readonly NearMiss[]
  /** The SMTP attempts for the address, when some did not get through (the capture inbox records them). */
  readonly attempts: readonly SmtpAttempt[]

  constructor(details: {
    address: string
    query: EmailQuery
    timeoutMs: number
    expected: number
    received: number
    nearMisses: readonly NearMiss[]
    /** The inbox's page in the capture's web UI, when it has one. */
    viewUrl?: string
    /** The address's SMTP attempts; named in the message when one was refused, dropped or abandoned. */
    attempts?: readonly SmtpAttempt[]
  }) {
    const attempts = details.attempts ?? []
    // Named only when the last attempt did not get through: a refusal the application retried past is no
    // reason for this timeout.
    const last = attempts.at(-1)
    const failed = last !== undefined && last.outcome !== 'delivered'
    const pending = last?.outcome === 'pending'
    const what =
      details.expected === 1
        ? `No email matching ${describeQuery(details.query)}`
        : `Only ${details.received} of ${details.expected} emails matching ${describeQuery(details.query)}`
    const misses = formatNearMisses(details.nearMisses)
    const tried = failed
      ? `\nThe application's last attempt for this address ${pending ? 'is still going on' : 'did not get through'}:\n${describeAttempts(attempts.slice(-20)).join('\n')}${attempts.length > 20 ? `\n  (the last 20 of ${attempts.length} attempts: inbox.attempts() has all)` : ''}\n`
      : ''
    const advice = pending
      ? 'The server is still holding its reply (a simulated delay?) or the client is still sending: raise { timeout }, or shorten the delay.'
      : failed
        ? 'A simulated fault (inbox.simulate), a refusal of the capture or the client leaving ended it: check that the application retries as it should, or that the fault is the one the test means.'
        : misses
          ? 'Check the address the application sent to and the query, or raise { timeout }.'
          : 'Nothing at all arrived for this address, and nothing matching went elsewhere: check that the application under test sends to this inbox server (its SMTP host and port) and to this address, or raise { timeout }.'
    super(
      'EMAIL_TIMEOUT',
      `${what} arrived at ${details.address} within ${details.timeoutMs} ms.\n${misses ? `\n${misses}\n` : ''}${tried}\n${advice}${details.viewUrl ? `\nWatch the inbox: ${details.viewUrl}` : ''}`,
    )
    this.address = details.address
    this.query = details.query
    this.timeoutMs = details.timeoutMs
    this.expected = details.expected
    this.received = details.received
    this.nearMisses = details.nearMisses
    this.attempts = attempts
  }
}
