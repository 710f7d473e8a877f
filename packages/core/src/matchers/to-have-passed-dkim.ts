import { InvalidArgumentError } from '../invalid-argument-error.js'
import { authBlock, requireAuth } from './auth-block.js'
import { formatMatcherMessage, show } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/** Which signature must pass. */
export interface DkimExpectation {
  /** The signing domain `d=`. */
  domain?: string
  /** The selector `s=`. */
  selector?: string
}

/**
 * Passes when a DKIM signature verified (and, when given, with that `d=` and `s=`).
 *
 * @example
 * expect(email).toHavePassedDkim({ domain: 'example.com' })
 */
export function toHavePassedDkim(
  this: MatcherState,
  received: unknown,
  expected: DkimExpectation = {},
): MatcherResult {
  const email = assertEmail(received, 'toHavePassedDkim')
  if (expected === null || typeof expected !== 'object') {
    throw new InvalidArgumentError('toHavePassedDkim() argument', expected, '{ domain?, selector? }')
  }
  const auth = requireAuth(email, 'toHavePassedDkim')
  const fits = auth.dkim.filter(
    (d) =>
      (expected.domain === undefined || d.domain?.toLowerCase() === expected.domain.toLowerCase()) &&
      (expected.selector === undefined || d.selector === expected.selector),
  )
  const pass = fits.some((d) => d.result === 'pass')
  const target = [
    expected.domain ? `d=${expected.domain}` : '',
    expected.selector ? `s=${expected.selector}` : '',
  ]
    .filter(Boolean)
    .join(' ')
  return {
    pass,
    name: 'toHavePassedDkim',
    email,
    expected: { result: 'pass', ...expected },
    actual: auth.dkim,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHavePassedDkim',
        isNot: this.isNot,
        args: Object.keys(expected).length ? show(expected) : '',
        expected: `dkim=pass${target ? ` ${target}` : ''}`,
        received:
          auth.dkim.length === 0
            ? 'dkim=none (the email has no DKIM-Signature)'
            : fits.length === 0
              ? `no signature with ${target}`
              : fits.map((d) => `dkim=${d.result} d=${d.domain} s=${d.selector}`).join(', '),
        email,
        trailer: authBlock(auth),
      }),
  }
}
