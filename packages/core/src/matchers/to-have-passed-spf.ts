import { authBlock, requireAuth } from './auth-block.js'
import { formatMatcherMessage } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when SPF passed for the envelope sender from the sending IP.
 *
 * @example
 * expect(email).toHavePassedSpf()
 */
export function toHavePassedSpf(this: MatcherState, received: unknown): MatcherResult {
  const email = assertEmail(received, 'toHavePassedSpf')
  const auth = requireAuth(email, 'toHavePassedSpf')
  const spf = auth.spf
  return {
    pass: spf?.result === 'pass',
    name: 'toHavePassedSpf',
    email,
    expected: 'pass',
    actual: spf?.result ?? 'none',
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHavePassedSpf',
        isNot: this.isNot,
        args: '',
        expected: 'spf=pass',
        received: spf
          ? `spf=${spf.result} (smtp.mailfrom=${spf.domain}${spf.clientIp ? `, ip ${spf.clientIp}` : ''})`
          : 'spf=none',
        email,
        trailer: authBlock(auth),
      }),
  }
}
