import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'
import { checkTextExpectation, textMatches } from './text-expectation.js'

/**
 * Passes when the subject equals the string (exactly, as Playwright's `toHaveTitle`) or matches the RegExp.
 *
 * @example
 * expect(email).toHaveSubject('Verify your email')
 * expect(email).toHaveSubject(/verify/i)
 */
export function toHaveSubject(
  this: MatcherState,
  received: unknown,
  expected: string | RegExp,
): MatcherResult {
  const email = assertEmail(received, 'toHaveSubject')
  const expectation = checkTextExpectation(expected, 'toHaveSubject() argument')
  return {
    pass: textMatches(expectation, email.subject, true),
    name: 'toHaveSubject',
    email,
    expected: expectation,
    actual: email.subject,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveSubject',
        isNot: this.isNot,
        args: show(expected),
        expected: `subject ${show(expected)}`,
        received: `subject ${JSON.stringify(email.subject)}`,
        email,
      }),
  }
}
