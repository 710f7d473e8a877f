import { InvalidArgumentError } from '../invalid-argument-error.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'
import { checkTextExpectation, textMatches } from './text-expectation.js'

/** Options of {@link toHaveLink}. */
export interface ToHaveLinkOptions {
  /** The link's visible text: exact string or RegExp. */
  text?: string | RegExp
}

/**
 * Passes when the email has a link whose href equals the string (or matches the RegExp), and, with
 * `{ text }`, whose visible text matches too.
 *
 * @example
 * expect(email).toHaveLink(/\/verify\?token=/, { text: 'Verify email' })
 */
export function toHaveLink(
  this: MatcherState,
  received: unknown,
  href: string | RegExp,
  options: ToHaveLinkOptions = {},
): MatcherResult {
  const email = assertEmail(received, 'toHaveLink')
  const hrefExpectation = checkTextExpectation(href, 'toHaveLink() href')
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('toHaveLink() options', options, '{ text?: string | RegExp }')
  const textExpectation =
    options.text === undefined ? undefined : checkTextExpectation(options.text, 'toHaveLink() options.text')
  const pass = email.links.some(
    (l) =>
      textMatches(hrefExpectation, l.href, true) &&
      (textExpectation === undefined || textMatches(textExpectation, l.text, true)),
  )
  return {
    pass,
    name: 'toHaveLink',
    email,
    expected: { href: hrefExpectation, text: textExpectation },
    actual: email.links,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveLink',
        isNot: this.isNot,
        args: textExpectation === undefined ? show(href) : `${show(href)}, ${show(options)}`,
        expected: `a link to ${show(hrefExpectation)}${textExpectation === undefined ? '' : ` with text ${show(textExpectation)}`}`,
        received: email.links.length ? `${email.links.length} link(s)` : 'no links',
        details: email.links.slice(0, 20).map((l) => `  ${JSON.stringify(l.text)} → ${l.href}`),
        email,
      }),
  }
}
