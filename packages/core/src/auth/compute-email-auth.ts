import { BlockList, isIP } from 'node:net'
import type { EmailEnvelope } from '../captured-email.js'
import { parseHeaders } from '../parse-headers.js'
import { type DnsResolver, systemResolver } from './dns-resolver.js'
import type { DkimVerdict, EmailAuth } from './email-auth.js'

/**
 * How the sender is seen by a receiver: the capture only sees a loopback client, so the environment says
 * which production IP and HELO the SPF check should assume, and where DNS answers come from.
 */
export interface SendingProfile {
  /** The production egress IP the SPF check assumes. */
  ip: string
  /** The HELO/EHLO name of the production sender. Default: the name the client gave. */
  helo?: string
  /** DNS for SPF, DKIM keys and DMARC records: the system resolver, or an offline one (see zoneResolver). */
  dns?: 'system' | DnsResolver
  /** The receiving MTA name written into comments. Default `mailwright`. */
  mta?: string
}

/**
 * Computes SPF, DKIM (every signature), DMARC and ARC for a raw email with mailauth, following the RFCs
 * where mailauth's defaults do not: RSA-SHA1 signatures do not pass (RFC 8301) and keys under 1024 bits
 * do not verify.
 *
 * @example
 * const auth = await computeEmailAuth(raw, envelope, { ip: '203.0.113.10', dns: zoneResolver(records) })
 * auth.dmarc?.result // 'pass'
 */
export async function computeEmailAuth(
  raw: Buffer,
  envelope: EmailEnvelope,
  profile: SendingProfile,
): Promise<EmailAuth> {
  const { authenticate } = await import('mailauth')
  const resolver = profile.dns === undefined || profile.dns === 'system' ? systemResolver : profile.dns
  const result = await authenticate(raw, {
    ip: profile.ip,
    helo: profile.helo ?? envelope.heloName ?? 'unknown',
    sender: envelope.mailFrom,
    mta: profile.mta ?? 'mailwright',
    resolver: resolver as never,
    trustReceived: false,
    rejectRsaSha1: true,
    minBitLength: 1024,
    disableBimi: true,
  })
  const dmarc = result.dmarc || undefined
  const signatures = dkimSignatureTags(raw)
  const auth: EmailAuth = {
    source: `computed by mailwright (sending profile: ${profile.ip}${profile.dns && profile.dns !== 'system' ? ', offline DNS' : ''})`,
    // An unsigned email comes back as one result 'none' without a domain: that is no signature at all.
    dkim: (result.dkim?.results ?? [])
      .filter((r) => r.signingDomain)
      .map((r): DkimVerdict => {
        const verdict: DkimVerdict = {
          result: r.status.result,
          domain: r.signingDomain,
          selector: r.selector,
          algorithm: r.algo,
          comment: r.status.comment ?? (r.info ? infoComment(r.info) : undefined),
          aligned: Boolean(r.status.aligned),
        }
        const b = (r.status.header as { b?: string } | undefined)?.b
        const tags = signatures.find((t) => b && t.b?.startsWith(b))
        return followRfc6376(verdict, tags, r.rr)
      }),
  }
  if (result.spf) {
    auth.spf = {
      result: result.spf.status.result,
      domain: result.spf.domain,
      clientIp: result.spf['client-ip'],
      comment: result.spf.status.comment,
      record: result.spf.rr,
      mechanism: decidingMechanism(result.spf.rr, profile.ip, result.spf.status.result),
    }
  }
  if (dmarc) {
    auth.dmarc = {
      result: dmarc.status.result,
      domain: dmarc.domain,
      policy: dmarc.policy || dmarc.p || undefined,
      alignment: {
        spf: Boolean(dmarc.alignment?.spf?.result),
        dkim: Boolean(dmarc.alignment?.dkim?.result),
        spfStrict: Boolean(dmarc.alignment?.spf?.strict),
        dkimStrict: Boolean(dmarc.alignment?.dkim?.strict),
      },
      comment: dmarc.status.comment,
    }
    const from = (dmarc.status.header as { from?: string } | undefined)?.from
    if (from) auth.dmarc.domain = from
    // A signature this module judged stricter than mailauth no longer counts for alignment.
    const dkimAligned = auth.dkim.some((d) => d.result === 'pass' && d.aligned)
    if (auth.dmarc.alignment.dkim && !dkimAligned) {
      auth.dmarc.alignment.dkim = false
      if (auth.dmarc.result === 'pass' && !auth.dmarc.alignment.spf) auth.dmarc.result = 'fail'
    }
  }
  if (result.arc) auth.arc = { result: result.arc.status.result, comment: result.arc.status.comment }
  return auth
}

// The mechanism that decided, for the common record shapes: the first ip4/ip6 range holding the IP,
// else the `all` term for a fail/softfail/neutral, else the includes/redirect that must have matched.
function decidingMechanism(record: string | undefined, ip: string, result: string): string | undefined {
  if (!record) return undefined
  const terms = record.split(/\s+/).slice(1)
  const ipTerm = terms.find((t) => {
    const m = /^[+~?-]?ip([46]):(.+)$/i.exec(t)
    return m ? inRange(ip, m[2] as string) : false
  })
  if (ipTerm) return ipTerm
  if (result !== 'pass') return terms.find((t) => /^[+~?-]?all$/i.test(t))
  return terms.filter((t) => /^[+]?(include|a|mx|exists|redirect)[:=]?/i.test(t)).join(' ') || undefined
}

function inRange(ip: string, range: string): boolean {
  const [base = '', bits] = range.split('/')
  const family = isIP(ip)
  if (family === 0 || isIP(base) !== family) return false
  const list = new BlockList()
  list.addSubnet(
    base,
    bits === undefined ? (family === 4 ? 32 : 128) : Number(bits),
    family === 4 ? 'ipv4' : 'ipv6',
  )
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

function infoComment(info: string): string | undefined {
  const match = /\(([^)]*)\)/.exec(info)
  return match?.[1]
}

// Where mailauth is more lenient than RFC 6376, the verdict follows the RFC.
function followRfc6376(
  verdict: DkimVerdict,
  tags: Record<string, string> | undefined,
  keyRecord: string | undefined,
): DkimVerdict {
  // 6.1.3: a body hash that does not verify is a failed verification (RFC 8601: fail), not "neutral".
  if (verdict.result === 'neutral' && /body hash did not verify/i.test(verdict.comment ?? '')) {
    return { ...verdict, result: 'fail' }
  }
  if (verdict.result !== 'pass' || !tags || !verdict.domain) return verdict
  const d = verdict.domain.toLowerCase()
  const identityDomain = tags.i?.split('@').pop()?.toLowerCase()
  // 3.5 / 6.1.1: i= must be d= or a subdomain of it; otherwise PERMFAIL (domain mismatch).
  if (identityDomain && identityDomain !== d && !identityDomain.endsWith(`.${d}`)) {
    return {
      ...verdict,
      result: 'permerror',
      aligned: false,
      comment: `i=${tags.i} is not in d=${d} (RFC 6376 3.5)`,
    }
  }
  // 3.6.1: a key with t=s allows no subdomain in i=.
  const flags =
    /(?:^|;)\s*t\s*=\s*([^;]*)/i
      .exec(keyRecord ?? '')?.[1]
      ?.split(':')
      .map((f) => f.trim().toLowerCase()) ?? []
  if (flags.includes('s') && identityDomain && identityDomain !== d) {
    return {
      ...verdict,
      result: 'permerror',
      aligned: false,
      comment: `the key has t=s, but i=${tags.i} is a subdomain of d=${d} (RFC 6376 3.6.1)`,
    }
  }
  return verdict
}

function dkimSignatureTags(raw: Buffer): Array<Record<string, string>> {
  return parseHeaders(raw)
    .headers.filter((h) => h.name.toLowerCase() === 'dkim-signature')
    .map((h) => {
      const tags: Record<string, string> = {}
      for (const part of h.value.split(';')) {
        const eq = part.indexOf('=')
        if (eq > 0) tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, '')
      }
      return tags
    })
}
