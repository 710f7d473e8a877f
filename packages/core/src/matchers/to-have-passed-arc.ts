import { authBlock, requireAuth } from './auth-block.js'
import { formatMatcherMessage } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when the ARC chain validated (forwarders and lists that sealed the email kept its verdict).
 *
 * @example
 * expect(email).toHavePassedArc()
 */
export function toHavePassedArc(this: MatcherState, received: unknown): MatcherResult {
  const email = assertEmail(received, 'toHavePassedArc')
  const auth = requireAuth(email, 'toHavePassedArc')
  const arc = auth.arc
  return {
    pass: arc?.result === 'pass',
    name: 'toHavePassedArc',
    email,
    expected: 'pass',
    actual: arc?.result ?? 'none',
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toHavePassedArc',
        isNot: this.isNot,
        args: '',
        expected: 'arc=pass',
        received: arc
          ? `arc=${arc.result}${arc.comment ? ` (${arc.comment})` : ''}`
          : 'arc=none (no ARC headers)',
        email,
        trailer: authBlock(auth),
      }),
  }
}
