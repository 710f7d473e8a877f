import type { EmailAddress } from '../captured-email.js'
import {
  type AddressExpectation,
  addressMatches,
  checkAddressExpectation,
  formatAddress,
} from './address-matcher.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when the address is among the recipients: To, Cc, Bcc, or the envelope RCPT TO (a Bcc recipient
 * is only in the envelope). The message says where it matched.
 *
 * @example
 * expect(email).toBeSentTo(inbox.address)
 * expect(email).toBeSentTo(/^alice\+/)
 */
export function toBeSentTo(
  this: MatcherState,
  received: unknown,
  expected: AddressExpectation,
): MatcherResult {
  const email = assertEmail(received, 'toBeSentTo')
  const expectation = checkAddressExpectation(expected, 'toBeSentTo')
  const places: Array<[string, readonly EmailAddress[]]> = [
    ['To', email.to],
    ['Cc', email.cc],
    ['Bcc', email.bcc],
    ['envelope RCPT TO', email.envelope.rcptTo.map((address) => ({ address, name: '' }))],
  ]
  const matchedIn = places
    .filter(([, list]) => list.some((a) => addressMatches(expectation, a)))
    .map(([where]) => where)
  const listed = places
    .filter(([, list]) => list.length > 0)
    .map(([where, list]) => `${where}: ${list.map(formatAddress).join(', ')}`)
  return {
    pass: matchedIn.length > 0,
    name: 'toBeSentTo',
    email,
    expected: expectation,
    actual: listed,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toBeSentTo',
        isNot: this.isNot,
        args: show(expected),
        expected: `a recipient ${show(expected)}`,
        received:
          matchedIn.length > 0
            ? `matched in ${matchedIn.join(', ')}`
            : listed.length > 0
              ? 'not among the recipients'
              : 'no recipients',
        details: listed,
        email,
      }),
  }
}
