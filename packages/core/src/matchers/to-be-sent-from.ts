import {
  type AddressExpectation,
  addressMatches,
  checkAddressExpectation,
  formatAddress,
} from './address-matcher.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when the From header is the expected address (case-insensitive), address and name, or matches
 * the RegExp.
 *
 * @example
 * expect(email).toBeSentFrom('no-reply@example.com')
 * expect(email).toBeSentFrom({ address: 'no-reply@example.com', name: 'Example' })
 * expect(email).toBeSentFrom(/@example\.com$/)
 */
export function toBeSentFrom(
  this: MatcherState,
  received: unknown,
  expected: AddressExpectation,
): MatcherResult {
  const email = assertEmail(received, 'toBeSentFrom')
  const expectation = checkAddressExpectation(expected, 'toBeSentFrom')
  const pass = email.from !== undefined && addressMatches(expectation, email.from)
  return {
    pass,
    name: 'toBeSentFrom',
    email,
    expected: expectation,
    actual: email.from,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toBeSentFrom',
        isNot: this.isNot,
        args: show(expected),
        expected: `from ${show(expected)}`,
        received: email.from ? `from ${formatAddress(email.from)}` : 'no From header',
        details: email.envelope.mailFrom ? [`Envelope MAIL FROM: <${email.envelope.mailFrom}>`] : undefined,
        email,
      }),
  }
}
