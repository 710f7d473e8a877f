import type { EmailHeader } from '../captured-email.js'
import { addressesOf } from '../parse-headers.js'
import type { DkimVerdict, EmailAuth } from './email-auth.js'
import { type AuthenticationResults, parseAuthenticationResults } from './parse-authentication-results.js'

/** Whose Authentication-Results count. */
export interface TrustedReceiver {
  /** authserv-ids of the receiving system (`mx.google.com`, `mail.contoso.com`), case-insensitive. */
  authservIds?: string[]
  /**
   * Exchange Online writes Authentication-Results without an authserv-id: trust the topmost such header
   * that stands above the message's first hop into Microsoft's servers.
   */
  exchangeOnline?: boolean
}

const MICROSOFT_HOP = /\bby\s+\S*\.(?:outlook\.com|microsoft\.com|office365\.com)\b/i

/**
 * The verdict the receiving server stamped, trusting only its own Authentication-Results: the topmost
 * header with a trusted authserv-id (or, for Exchange Online, without one and above its first hop). Headers
 * the sender could have written lower in the message are ignored and listed in `ignored`. Undefined when
 * the receiver stamped nothing (intra-tenant mail, for one): compute the verdict from the raw MIME then.
 *
 * @example
 * const auth = verdictFromHeaders(email.headers, { authservIds: ['mx.google.com'] })
 * auth?.dmarc?.result
 */
export function verdictFromHeaders(
  headers: readonly EmailHeader[],
  trusted: TrustedReceiver,
): EmailAuth | undefined {
  const ids = (trusted.authservIds ?? []).map((id) => id.toLowerCase())
  const lowestMicrosoftHop = trusted.exchangeOnline
    ? headers.reduce(
        (lowest, h, i) => (h.name.toLowerCase() === 'received' && MICROSOFT_HOP.test(h.value) ? i : lowest),
        -1,
      )
    : -1
  let chosen: { parsed: AuthenticationResults; index: number } | undefined
  const ignored: string[] = []
  headers.forEach((header, index) => {
    if (header.name.toLowerCase() !== 'authentication-results') return
    const parsed = parseAuthenticationResults(header.value)
    const byId = parsed.authservId !== undefined && ids.includes(parsed.authservId.toLowerCase())
    const byExchange =
      trusted.exchangeOnline === true && parsed.authservId === undefined && index < lowestMicrosoftHop
    if (!chosen && (byId || byExchange)) chosen = { parsed, index }
    else
      ignored.push(
        `Authentication-Results${parsed.authservId ? ` from ${parsed.authservId}` : ' without authserv-id'} (header ${index + 1}): not stamped by the trusted receiver`,
      )
  })
  if (!chosen) return undefined
  const fromDomain = addressesOf(headers, 'from')[0]?.address.split('@').pop()?.toLowerCase()
  return toEmailAuth(chosen.parsed, fromDomain, ignored, signatureSelectors(headers))
}

function toEmailAuth(
  parsed: AuthenticationResults,
  fromDomain: string | undefined,
  ignored: string[],
  selectors: Map<string, string>,
): EmailAuth {
  const find = (method: string) => parsed.results.find((r) => r.method === method)
  const spf = find('spf')
  const dmarc = find('dmarc')
  const arc = find('arc')
  const dkim: DkimVerdict[] = parsed.results
    .filter((r) => r.method === 'dkim' && r.result !== 'none')
    .map((r) => {
      const domain = (r.props['header.d'] ?? r.props['header.i']?.split('@').pop())?.toLowerCase()
      return {
        result: r.result,
        domain,
        selector: r.props['header.s'] ?? (domain ? selectors.get(domain) : undefined),
        algorithm: r.props['header.a'],
        comment: r.reason ?? r.resultComment,
        aligned: relaxedAligned(domain, fromDomain),
      }
    })
  const spfDomain = spf?.props['smtp.mailfrom']?.split('@').pop()?.toLowerCase()
  const auth: EmailAuth = {
    source: `stamped by ${parsed.authservId ?? 'Exchange Online'} (trusted Authentication-Results)`,
    dkim,
  }
  if (spf && spfDomain) auth.spf = { result: spf.result, domain: spfDomain, comment: spf.resultComment }
  if (dmarc) {
    const policy = dmarc.props['policy.dmarc'] ?? /\bp=(\w+)/i.exec(dmarc.resultComment ?? '')?.[1]
    auth.dmarc = {
      result: dmarc.result,
      domain: dmarc.props['header.from']?.toLowerCase() ?? fromDomain,
      policy: policy?.toLowerCase(),
      alignment: {
        spf: spf?.result === 'pass' && relaxedAligned(spfDomain, fromDomain),
        dkim: dkim.some((d) => d.result === 'pass' && d.aligned),
        spfStrict: false,
        dkimStrict: false,
      },
      comment: dmarc.resultComment,
    }
  }
  if (arc) auth.arc = { result: arc.result, comment: arc.resultComment }
  if (ignored.length > 0) auth.ignored = ignored
  return auth
}

// Relaxed alignment without a public-suffix list: the same domain, or one a subdomain of the other.
function relaxedAligned(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`)
}

/**
 * Selector by signing domain, from the message's own DKIM-Signature headers, for domains that signed once.
 * Exchange Online reports only `header.d`; the one signature for that domain names the selector.
 */
function signatureSelectors(headers: readonly EmailHeader[]): Map<string, string> {
  const seen = new Map<string, string | undefined>()
  for (const header of headers) {
    if (header.name.toLowerCase() !== 'dkim-signature') continue
    const tags = new Map(
      header.value
        .replace(/\s+/g, '')
        .split(';')
        .map(
          (tag) => [tag.slice(0, tag.indexOf('=')).toLowerCase(), tag.slice(tag.indexOf('=') + 1)] as const,
        ),
    )
    const domain = tags.get('d')?.toLowerCase()
    if (!domain) continue
    // Two signatures for one domain leave the selector unknown.
    seen.set(domain, seen.has(domain) ? undefined : tags.get('s'))
  }
  return new Map([...seen].filter((entry): entry is [string, string] => entry[1] !== undefined))
}
