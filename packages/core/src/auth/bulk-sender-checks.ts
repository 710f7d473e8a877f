import type { CapturedEmail } from '../captured-email.js'
import { parseHeaders } from '../parse-headers.js'
import type { EmailAuth } from './email-auth.js'

/**
 * The bulk-sender requirements Gmail and Yahoo published (2024), each with whether the email meets it:
 * what `toMeetBulkSenderRequirements` and the release gate's `bulk-sender` rule both judge by.
 *
 * @example
 * bulkSenderChecks(email, email.auth).filter(([, ok]) => !ok) // [['List-Unsubscribe has an https URL', false]]
 */
export function bulkSenderChecks(email: CapturedEmail, auth: EmailAuth): Array<[string, boolean]> {
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
  return [
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
}
