import { bulkSenderChecks } from '../auth/bulk-sender-checks.js'
import { authBlock, requireAuth } from './auth-block.js'
import { formatMatcherMessage } from './format-matcher-message.js'
import { assertEmail, type MatcherResult, type MatcherState } from './matcher-result.js'

/**
 * Passes when the email meets the bulk-sender rules Gmail and Yahoo published (2024): SPF and DKIM pass, the
 * From domain has a DMARC record and is aligned, one-click unsubscribe per RFC 8058 (an https
 * List-Unsubscribe, `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, both covered by a passing DKIM
 * signature), and a valid Date and Message-ID. The message lists every requirement with its state.
 *
 * @example
 * expect(newsletter).toMeetBulkSenderRequirements()
 */
export function toMeetBulkSenderRequirements(this: MatcherState, received: unknown): MatcherResult {
  const email = assertEmail(received, 'toMeetBulkSenderRequirements')
  const auth = requireAuth(email, 'toMeetBulkSenderRequirements')
  const checks = bulkSenderChecks(email, auth)
  const failed = checks.filter(([, ok]) => !ok)
  return {
    pass: failed.length === 0,
    name: 'toMeetBulkSenderRequirements',
    email,
    expected: 'all requirements',
    actual: Object.fromEntries(checks),
    message: () =>
      formatMatcherMessage({
        subject: 'email',
        matcher: 'toMeetBulkSenderRequirements',
        isNot: this.isNot,
        args: '',
        expected: 'every bulk-sender requirement met',
        received: failed.length ? `${failed.length} of ${checks.length} not met` : `all ${checks.length} met`,
        details: checks.map(([what, ok]) => `  ${ok ? '✓' : '✗'} ${what}`),
        email,
        trailer: authBlock(auth),
      }),
  }
}
