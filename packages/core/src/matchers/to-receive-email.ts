import { describeQuery, type EmailQuery } from '../email-query.js'
import { EmailTimeoutError } from '../email-timeout-error.js'
import { formatNearMisses } from '../near-miss.js'
import { UnexpectedEmailError } from '../unexpected-email-error.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertInbox, type MatcherResult, type MatcherState } from './matcher-result.js'

/** Options of {@link toReceiveEmail}. */
export interface ToReceiveEmailOptions {
  /** How long to wait for the email (positive form), in ms. Default: the inbox's wait timeout. */
  timeout?: number
  /** With `.not`: how long the inbox must stay free of matching email, in ms. Default: the inbox's window. */
  within?: number
}

/**
 * Auto-waiting assertion on an inbox, like Playwright's web-first assertions: resolves as soon as a
 * matching email arrives, fails at the timeout listing near misses. With `.not`, it holds only if nothing
 * matching arrives during the whole `within` window; an empty inbox at the start proves nothing.
 *
 * @example
 * await expect(inbox).toReceiveEmail({ subject: /Verify/ }, { timeout: 5000 })
 * await expect(inbox).not.toReceiveEmail({ subject: /Reset/ }, { within: 2000 })
 */
export async function toReceiveEmail(
  this: MatcherState,
  received: unknown,
  query: EmailQuery = {},
  options: ToReceiveEmailOptions = {},
): Promise<MatcherResult> {
  const inbox = assertInbox(received, 'toReceiveEmail')
  const args = Object.keys(options).length
    ? `${show(query)}, ${show(options)}`
    : Object.keys(query).length
      ? show(query)
      : ''
  const base = { subject: 'inbox' as const, matcher: 'toReceiveEmail', isNot: this.isNot, args }
  if (this.isNot) {
    try {
      await inbox.expectNoEmail(query, { within: options.within ?? options.timeout })
      return {
        pass: false,
        name: 'toReceiveEmail',
        message: () => `expect(inbox).toReceiveEmail(${args}) failed: no email arrived`,
      }
    } catch (error) {
      if (!(error instanceof UnexpectedEmailError)) throw error
      return {
        pass: true,
        name: 'toReceiveEmail',
        message: () =>
          formatMatcherMessage({
            ...base,
            expected: `an email matching ${describeQuery(query)} at ${inbox.address} within ${error.withinMs} ms`,
            received: `${error.email} (id ${error.emailId})`,
          }),
      }
    }
  }
  try {
    const email = await inbox.waitForEmail(query, { timeout: options.timeout })
    return {
      pass: true,
      name: 'toReceiveEmail',
      email,
      message: () =>
        formatMatcherMessage({
          ...base,
          expected: `an email matching ${describeQuery(query)}`,
          received: 'one arrived',
          email,
        }),
    }
  } catch (error) {
    if (!(error instanceof EmailTimeoutError)) throw error
    const misses = formatNearMisses(error.nearMisses)
    return {
      pass: false,
      name: 'toReceiveEmail',
      message: () =>
        formatMatcherMessage({
          ...base,
          expected: `an email matching ${describeQuery(query)} at ${inbox.address} within ${error.timeoutMs} ms`,
          received: misses ? 'no matching email' : 'no email at all for this address',
          details: misses
            ? misses.split('\n')
            : ['Check that the application sends to this inbox server and address, or raise { timeout }.'],
        }),
    }
  }
}
