import type { EmailEnvelope } from '../captured-email.js'
import { parseHeaders } from '../parse-headers.js'
import { computeEmailAuth, type SendingProfile } from './compute-email-auth.js'
import type { DnsResolver } from './dns-resolver.js'
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
  if (stamped) {
    // Exchange does not report the published DMARC policy; the sending profile's DNS can.
    const dns = options.profile?.dns
    if (stamped.dmarc?.domain && stamped.dmarc.policy === undefined && dns && dns !== 'system') {
      stamped.dmarc.policy = await publishedPolicy(stamped.dmarc.domain, dns)
    }
    return stamped
  }
  if (!options.profile) return undefined
  const computed = await computeEmailAuth(raw, envelope, options.profile)
  return { ...computed, source: `${computed.source}; the receiver stamped no Authentication-Results` }
}

async function publishedPolicy(domain: string, dns: DnsResolver): Promise<string | undefined> {
  try {
    const answers = (await dns(`_dmarc.${domain}`, 'TXT')) as string[][]
    const record = answers.map((parts) => parts.join('')).find((text) => /^v=DMARC1\b/i.test(text))
    return record ? /(?:^|;)\s*p=(\w+)/i.exec(record)?.[1]?.toLowerCase() : undefined
  } catch {
    return undefined
  }
}
