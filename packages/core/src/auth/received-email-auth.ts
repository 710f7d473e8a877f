import type { EmailEnvelope } from '../captured-email.js'
import { parseHeaders } from '../parse-headers.js'
import { computeEmailAuth, type SendingProfile } from './compute-email-auth.js'
import type { EmailAuth } from './email-auth.js'
import { type TrustedReceiver, verdictFromHeaders } from './verdict-from-headers.js'

/**
 * The verdict for an email a real server received: the receiver's own Authentication-Results when it
 * stamped some, else (intra-tenant mail, for one) computed here from the raw MIME with the sending side's
 * profile. Undefined when neither is possible.
 *
 * @example
 * const auth = await receivedEmailAuth(raw, envelope, { trusted: { exchangeOnline: true }, profile: { ip: '203.0.113.10' } })
 */
export async function receivedEmailAuth(
  raw: Buffer,
  envelope: EmailEnvelope,
  options: { trusted: TrustedReceiver; profile?: SendingProfile },
): Promise<EmailAuth | undefined> {
  const stamped = verdictFromHeaders(parseHeaders(raw).headers, options.trusted)
  if (stamped) return stamped
  if (!options.profile) return undefined
  const computed = await computeEmailAuth(raw, envelope, options.profile)
  return { ...computed, source: `${computed.source}; the receiver stamped no Authentication-Results` }
}
