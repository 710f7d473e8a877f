import { InvalidArgumentError } from '../invalid-argument-error.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'
import { checkTextExpectation, textMatches } from './text-expectation.js'

/**
 * Passes when the header is present (name case-insensitive) and, if a value is given, one of its values
 * equals the string or matches the RegExp.
 *
 * @example
 * expect(email).toHaveHeader('List-Unsubscribe')
 * expect(email).toHaveHeader('X-Campaign', 'spring')
 * expect(email).toHaveHeader('List-Unsubscribe', /^<https:/)
 */
export function toHaveHeader(
  this: MatcherState,
  received: unknown,
  name: string,
  value?: string | RegExp,
): MatcherResult {
  const email = assertEmail(received, 'toHaveHeader')
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError('toHaveHeader() name', name, 'a header name such as "List-Unsubscribe"')
  }
  const expectation = value === undefined ? undefined : checkTextExpectation(value, 'toHaveHeader() value')
  const values = email.headerValues(name)
  const pass =
    expectation === undefined ? values.length > 0 : values.some((v) => textMatches(expectation, v, true))
  return {
    pass,
    name: 'toHaveHeader',
    email,
    expected: expectation,
    actual: values,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHaveHeader',
        isNot: this.isNot,
        args: value === undefined ? show(name) : `${show(name)}, ${show(value)}`,
        expected: expectation === undefined ? `a ${name} header` : `${name}: ${show(expectation)}`,
        received: values.length
          ? values.map((v) => `${name}: ${JSON.stringify(v)}`).join(', ')
          : `no ${name} header`,
        email,
      }),
  }
}
