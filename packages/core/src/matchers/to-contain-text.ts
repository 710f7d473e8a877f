import { htmlToPlainText } from '../html-to-plain-text.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'
import { checkTextExpectation, excerpt, textMatches } from './text-expectation.js'

/**
 * Passes when the text part contains the string (or matches the RegExp); an email with only HTML is
 * searched as the text the HTML shows. Whitespace runs count as one space, as a reader sees them.
 *
 * @example
 * expect(email).toContainText('Welcome aboard')
 * expect(email).toContainText(/code is \d{6}/)
 */
export function toContainText(
  this: MatcherState,
  received: unknown,
  expected: string | RegExp,
): MatcherResult {
  const email = assertEmail(received, 'toContainText')
  const expectation = checkTextExpectation(expected, 'toContainText() argument')
  const bodies = [email.text, email.html === undefined ? undefined : htmlToPlainText(email.html)].filter(
    (b): b is string => typeof b === 'string',
  )
  const normalized = bodies.map((b) => b.replace(/\s+/g, ' '))
  const pass = normalized.some((b) => textMatches(expectation, b, false))
  return {
    pass,
    name: 'toContainText',
    email,
    expected: expectation,
    actual: bodies[0],
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toContainText',
        isNot: this.isNot,
        args: show(expected),
        expected: `text containing ${show(expected)}`,
        received: bodies.length
          ? `text ${excerpt(bodies[0] as string)}`
          : 'an email without a text or HTML body',
        email,
      }),
  }
}
