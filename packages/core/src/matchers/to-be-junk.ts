import { exchangeSpamVerdict } from '../exchange-spam-verdict.js'
import { formatMatcherMessage } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when a real mailbox treated the email as junk: Exchange filed it in Junk Email, gave it a spam
 * confidence level of 5 or more, or a spam verdict. Use it negated in staging, so a test fails when the
 * application's mail lands in Junk, and says why (folder, SCL, SFV, CAT, compauth). The capture inbox judges
 * no spam: there, `not.toBeJunk()` always passes.
 *
 * @example
 * const email = await inbox.waitForEmail({ subject: /Verify/ })
 * expect(email).not.toBeJunk()
 */
export function toBeJunk(this: MatcherState, received: unknown): MatcherResult {
  const email = assertEmail(received, 'toBeJunk')
  const verdict = exchangeSpamVerdict(email)
  return {
    pass: verdict.junk,
    name: 'toBeJunk',
    email,
    actual: verdict,
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toBeJunk',
        isNot: this.isNot,
        args: '',
        expected: 'junk (filed in Junk Email, SCL 5 or more, or a spam verdict)',
        received:
          verdict.reasons.length > 0
            ? verdict.reasons.join('; ')
            : 'no spam verdict: nothing filed or judged it (the capture inbox does not filter spam)',
        email,
      }),
  }
}
