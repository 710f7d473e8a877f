import { parseHeaders } from '../parse-headers.js'
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
  const unsubscribe = email.header('List-Unsubscribe') ?? ''
  const post = email.header('List-Unsubscribe-Post') ?? ''
  const signedHeaders = parseHeaders(email.raw)
    .headers.filter((h) => h.name.toLowerCase() === 'dkim-signature')
    .map((h) =>
      (/(?:^|;)\s*h\s*=\s*([^;]*)/i.exec(h.value)?.[1] ?? '')
        .toLowerCase()
        .split(':')
        .map((n) => n.trim()),
    )
  const passingSigned =
    auth.dkim.some((d) => d.result === 'pass') &&
    signedHeaders.some((h) => h.includes('list-unsubscribe') && h.includes('list-unsubscribe-post'))
  const checks: Array<[string, boolean]> = [
    ['SPF passes', auth.spf?.result === 'pass'],
    ['DKIM passes', auth.dkim.some((d) => d.result === 'pass')],
    [
      'the From domain publishes DMARC',
      Boolean(auth.dmarc && auth.dmarc.result !== 'none' && auth.dmarc.policy),
    ],
    [
      'From is aligned with SPF or DKIM',
      Boolean(auth.dmarc && (auth.dmarc.alignment.spf || auth.dmarc.alignment.dkim)),
    ],
    ['List-Unsubscribe has an https URL', /<https:\/\/[^>]+>/i.test(unsubscribe)],
    ['List-Unsubscribe-Post: List-Unsubscribe=One-Click', /^\s*List-Unsubscribe=One-Click\s*$/i.test(post)],
    ['both List-Unsubscribe headers are DKIM-signed', passingSigned],
    ['Date is a valid date', email.date !== undefined],
    ['Message-ID is <id@domain>', /^<[^<>@\s]+@[^<>@\s]+>$/.test(email.messageId ?? '')],
  ]
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
