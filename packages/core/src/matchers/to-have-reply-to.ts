import {
  type AddressExpectation,
  addressMatches,
  checkAddressExpectation,
  formatAddress,
} from './address-matcher.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when a Reply-To address is the expected one (same forms as {@link toBeSentFrom}).
 *
 * @example
 * expect(email).toHaveReplyTo('support@example.com')
 */
export function toHaveReplyTo(
  this: MatcherState,
  received: unknown,
  expected: AddressExpectation,
): MatcherResult {
  const email = assertEmail(received, 'toHaveReplyTo')
  const expectation = checkAddressExpectation(expected, 'toHaveReplyTo')
  const pass = email.replyTo.some((a) => addressMatches(expectation, a))
  return {
    pass,
    name: 'toHaveReplyTo',
    email,
    expected: expectation,
    actual: email.replyTo,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveReplyTo',
        isNot: this.isNot,
        args: show(expected),
        expected: `Reply-To ${show(expected)}`,
        received: email.replyTo.length
          ? `Reply-To ${email.replyTo.map(formatAddress).join(', ')}`
          : 'no Reply-To header',
        email,
      }),
  }
}
